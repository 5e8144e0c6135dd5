"""Insights: the analysis that finds patterns in complaints (issue 15; docs/insights.md).

- `text`: one normalisation of English, Urdu and Roman Urdu text (scripts, digits, diacritics)
  and its features (character n-grams within words, words), shared by every part below.
- `model` / `train` / `serving`: a linear text classifier — trained with numpy (jobs and the
  `make insights-*` tools only), served in pure Python from a compact artefact loaded lazily
  from S3 — used for category suggestion and moderation.
- `spikes`: daily counts per (category, district) against a seasonal, over-dispersed baseline.
- `gap`: resolved and satisfied rates with intervals and shrinkage, per office, organisation,
  category and district.
- `topics`: the themes rising in an organisation's new complaint texts, weekly.
- `jobs`: the tasks the scheduled `run_insights` function runs (`make job NAME=insights AT=…`).

Nothing here is imported on the API's cold path: a route imports the part it needs inside the
handler, and numpy only ever inside a job or a tool.
"""
