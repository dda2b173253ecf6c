"""统计分析: indicators with their written definitions (口径), periods, the 考核 scorecard, alerts and
the drafted analysis text. No Qt. Aggregates read the compact statistics tables (models/statistics.py)
kept current by `store.refresh` in every case write."""
