"""登记投诉: the intake page (`ui.intake.intake_page.IntakePage`) and its parts."""
