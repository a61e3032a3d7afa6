"""The briefing's own wording, Vietnamese first and English beside it; names of indicators,
tasks, statuses and criteria come from the catalogue and the pages' text (dashboards/text.py)."""

from __future__ import annotations

import unicodedata

from dashboards.text import t as page_text

TEXT: dict[str, dict[str, str]] = {
    "title": {"vi": "BẢN TIN ĐIỀU HÀNH TUẦN", "en": "WEEKLY OPERATIONS BRIEFING"},
    "report": {"vi": "BÁO CÁO", "en": "REPORT"},
    "report_subject": {
        "vi": "Tình hình vận hành và tiến độ chuyển đổi số y tế tuần {week}",
        "en": "Operations and digital transformation progress, week {week}",
    },
    "ministry_scope": {"vi": "Toàn Bộ Y tế", "en": "Ministry of Health"},
    "period": {"vi": "Từ {start} đến {end}", "en": "{start} to {end}"},
    "period_label": {"vi": "Kỳ báo cáo", "en": "Period"},
    "data_until": {"vi": "dữ liệu đến {time}", "en": "data until {time}"},
    "built": {"vi": "Lập lúc {time} · phiên bản dữ liệu {version}", "en": "Built {time} · data version {version}"},
    "page": {"vi": "Trang {page}/{pages}", "en": "Page {page}/{pages}"},
    "provisional_note": {
        "vi": "(*) Số liệu tạm tính: đơn vị chưa xác nhận số liệu tuần này.",
        "en": "(*) Provisional: the unit has not confirmed this week's figures.",
    },
    "confirmed_units": {
        "vi": "Đơn vị đã xác nhận số liệu: {n}/{total}.",
        "en": "Units that confirmed their figures: {n}/{total}.",
    },
    "s1": {"vi": "1. Chỉ tiêu chính", "en": "1. Headline figures"},
    "s2": {"vi": "2. Nhận định", "en": "2. Summary"},
    "s3": {"vi": "3. Nhiệm vụ Đề án 06", "en": "3. Project 06 tasks"},
    "s4": {"vi": "4. 12 cơ sở dữ liệu chuyên ngành", "en": "4. The 12 specialised databases"},
    "s5": {"vi": "5. Chỉ số hiệu quả phục vụ theo đơn vị", "en": "5. Effectiveness indicators by unit"},
    "s6": {"vi": "6. Chất lượng dữ liệu", "en": "6. Data quality"},
    "s7": {"vi": "7. Chỉ đạo của Lãnh đạo Bộ", "en": "7. Leadership directives"},
    # sheet names of the XLSX appendix (Excel allows 31 characters)
    "sheet_s3": {"vi": "3. Đề án 06", "en": "3. Project 06"},
    "sheet_s4": {"vi": "4. 12 CSDL", "en": "4. 12 databases"},
    "sheet_s5": {"vi": "5. Hiệu quả theo đơn vị", "en": "5. Effectiveness by unit"},
    "sheet_s7": {"vi": "7. Chỉ đạo", "en": "7. Directives"},
    "figure": {"vi": "Chỉ tiêu", "en": "Figure"},
    "value": {"vi": "Tuần này", "en": "This week"},
    "change": {"vi": "So với tuần trước", "en": "vs last week"},
    "vs_target": {"vi": "So với mục tiêu", "en": "vs target"},
    "sla": {"vi": "Tuân thủ thời hạn", "en": "SLA compliance"},
    "sla_within": {"vi": "trong {hours} giờ", "en": "within {hours} h"},
    "mean_db_score": {"vi": "Điểm CSDL bình quân", "en": "Mean database score"},
    "points": {"vi": "điểm", "en": "points"},
    "chart_trend": {"vi": "Chỉ số hiệu quả phục vụ, 8 tuần gần nhất", "en": "Service effectiveness, last 8 weeks"},
    "chart_indicators": {
        "vi": "Chỉ tiêu 766 so với mục tiêu (vạch đen)",
        "en": "766 indicators against target (black mark)",
    },
    "chart_tasks": {
        "vi": "Nhiệm vụ Đề án 06: thực hiện so với mục tiêu (vạch đen)",
        "en": "Project 06 tasks: actual against target (black mark)",
    },
    "stale_sources": {"vi": "Nguồn dữ liệu ngừng cập nhật", "en": "Sources that stopped delivering"},
    "quarantined": {"vi": "Bản ghi bị cách ly trong tuần", "en": "Records quarantined this week"},
    "flags": {"vi": "Giá trị bất thường được gắn cờ", "en": "Outliers flagged"},
    "count": {"vi": "Số bản ghi", "en": "Records"},
    "main_reason": {"vi": "Lý do chủ yếu", "en": "Main reason"},
    "day": {"vi": "Ngày", "en": "Day"},
    "metric": {"vi": "Chỉ số", "en": "Metric"},
    "median": {"vi": "Trung vị cùng thứ", "en": "Same-weekday median"},
    "last_data": {"vi": "Số liệu đến", "en": "Data until"},
    "none": {"vi": "Không có.", "en": "None."},
    "no_directives": {
        "vi": "Chưa có chỉ đạo nào được ghi nhận trong hệ thống.",
        "en": "No directives have been recorded in the system yet.",
    },
    "number_symbol": {"vi": "Số: …/{symbol}", "en": "No.: …/{symbol}"},
    "motto_1": {"vi": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "en": "SOCIALIST REPUBLIC OF VIETNAM"},
    "motto_2": {"vi": "Độc lập - Tự do - Hạnh phúc", "en": "Independence - Freedom - Happiness"},
    "place_date": {"vi": "{place}, ngày {day} tháng {month} năm {year}", "en": "{place}, {day}/{month}/{year}"},
    "recipients": {"vi": "Nơi nhận:", "en": "Recipients:"},
    "appendix_info": {"vi": "Thông tin", "en": "About"},
    "week": {"vi": "Tuần", "en": "Week"},
    "scope": {"vi": "Phạm vi", "en": "Scope"},
    "built_at": {"vi": "Lập lúc", "en": "Built at"},
    "data_version": {"vi": "Phiên bản dữ liệu", "en": "Data version"},
    "confirmation": {"vi": "Xác nhận", "en": "Confirmation"},
    "confirmed": {"vi": "Đã xác nhận", "en": "Confirmed"},
    "provisional": {"vi": "Tạm tính", "en": "Provisional"},
    "rank": {"vi": "Xếp hạng", "en": "Rank"},
}


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The briefing's text, or the pages' text for a key it does not hold; always NFC."""
    entry = TEXT.get(key)
    text = entry[lang] if entry else page_text(key, lang)
    return nfc(text.format(**values) if values else text)


def nfc(text: str) -> str:
    # Decomposed marks (NFD) render misplaced in PDF engines; every string printed is NFC.
    return unicodedata.normalize("NFC", text)
