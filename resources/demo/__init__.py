"""Text data of the demo generator (app.demo): names, places, narratives, handling texts."""
