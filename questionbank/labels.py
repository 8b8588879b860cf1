"""Words people read for the product's enumerations (Traditional Chinese as used in Taiwan).

Problem codes have their words in the catalog (``problems``); band titles are in ``scoring``.
"""

from __future__ import annotations

CODE_STATUS = {"unused": "未使用", "in-progress": "作答中", "submitted": "已交卷"}
ITEM_TYPES = {"single": "單選", "multiple": "複選", "true_false": "是非"}
COGNITIVE_LEVELS = {"remember": "記憶", "understand": "理解", "apply": "應用", "analyze": "分析"}
DIFFICULTIES = {"easy": "易", "medium": "中", "hard": "難"}
FORM_KINDS = {"official": "正式考試", "practice": "練習"}
RULINGS = {"reject": "駁回（維持原答案）", "add-key": "增列答案", "replace-key": "更正答案", "void-credit": "全部給分", "void-drop": "刪除本題（不計分）"}
# decision consistency (stats.decisions): the method, by the true-score model's number of parameters
DECISION_METHODS = {
    4: "Livingston 與 Lewis（1995）單次施測估計法，真分數以四參數 Beta 分布配適",
    2: "Livingston 與 Lewis（1995）單次施測估計法，真分數以二參數 Beta 分布配適（四參數無法配適時的替代）",
}
