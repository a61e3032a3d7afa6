"""The briefing built from the production store: PostgreSQL, figures read back from the PDF."""

from __future__ import annotations

from base import formatting as fmt
from briefings.archive import archive_dir, build_edition
from metrics import editions
from metrics.collection import Collector, backfill
from metrics.store import Store
from tests.briefings.conftest import BUILT_AT, last_week, pdf_text, raw_ratio
from tests.conftest import demo_source, with_sources


def test_an_edition_built_from_postgresql_prints_its_figures(default_config, postgres_url, tmp_path):
    config = with_sources(
        default_config, *(demo_source(default_config, u) for u in ("KCB", "QLD", "BMTE")), data_dir=tmp_path / "data"
    )
    store = Store(postgres_url)
    store.upgrade()
    collector = Collector(config, store)
    backfill(collector, 2)
    collector.collect_all()
    edition = build_edition(store, config, last_week(), "", "vi", built_at=BUILT_AT)
    assert editions.edition(store, edition.id)["data_version"] == store.data_version()
    text = pdf_text(archive_dir(config) / edition.files["pdf"]["path"], tmp_path, layout=True)
    row = next(line for line in text.splitlines() if line.strip().startswith("Tỷ lệ hồ sơ giải quyết đúng hạn"))
    assert fmt.percent(raw_ratio(store, "tthc_resolved_on_time", "tthc_resolved", last_week()), 1) in row
    store.engine.dispose()
