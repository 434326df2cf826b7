"""Column lists shared by the writer and the reads (no imports, so reads stay light)."""

# a decision's own columns, in table order, between its keys (id, article_id) and its copied published_at
DECISION_DETAIL_COLUMNS = (
    "position",
    "text",
    "action",
    "direction",
    "instruments",
    "structure",
    "horizon_text",
    "horizon_min_days",
    "horizon_max_days",
    "conditions",
    "author",
    "rating",
    "rating_prev",
    "price_target",
    "price_target_prev",
    "origin",
)
