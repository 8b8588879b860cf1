"""Problems: every finding of validation, coverage or assembly is a value, never a string.

A problem has a stable kebab-case ``code`` from :data:`CATALOG`, a severity, and the place it
was found (file, 1-based line and column, and the data path inside the document).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class CodeInfo:
    title: str
    description: str
    severity: Severity
    title_zh: str = ""
    hint_zh: str = ""


def _e(title: str, description: str) -> CodeInfo:
    return CodeInfo(title, description, Severity.ERROR)


def _w(title: str, description: str) -> CodeInfo:
    return CodeInfo(title, description, Severity.WARNING)


CATALOG: dict[str, CodeInfo] = {
    # Reading files
    "file-not-found": _e("File not found", "A path given on the command line does not exist."),
    "file-unreadable": _e("File unreadable", "The file exists but cannot be read (permissions, a directory, a device)."),
    "folder-unreadable": _e("Folder unreadable", "A folder cannot be listed (permissions); its files were not checked."),
    "no-yaml-files": _e("No YAML file found", "A folder given to check holds no .yaml or .yml file, so nothing would be checked."),
    "file-too-large": _e("File too large", "The file is larger than the limit for bank files; split it or check it is the right file."),
    "not-utf8": _e("Not UTF-8", "The file is not valid UTF-8 text; save it as UTF-8."),
    "empty-file": _e("Empty file", "The file holds no YAML document."),
    "tab-character": _e("Tab character", "A tab character; YAML indentation and bank text use spaces only."),
    "yaml-syntax": _e("YAML syntax error", "The file is not well-formed YAML."),
    "yaml-multiple-documents": _e("Several YAML documents", "The file holds more than one YAML document; keep one per file."),
    "yaml-too-deep": _e("Nesting too deep", "The YAML nests deeper than any bank file needs."),
    "yaml-alias": _e("YAML anchor or alias", "Anchors and aliases (&x, *x) are not allowed in bank files; write the value out."),
    "yaml-duplicate-key": _e("Duplicate key", "The same key appears twice in one mapping; YAML would silently keep only the last."),
    "yaml-unsupported-tag": _e("Unsupported YAML tag", "An explicit tag such as !!python/object; bank files use plain values only."),
    "yaml-boolean-as-text": _e("YAML 1.1 boolean where text is expected", "An unquoted yes/no/on/off/true/false is read as a boolean; quote it."),
    "value-not-finite": _e("Not a finite number", "A number is .nan or .inf; bank files need finite numbers."),
    "text-invisible-only": _e("Text is invisible", "A text holds only invisible characters (zero-width space and the like) and spaces."),
    "text-invisible-character": _w("Invisible character", "A zero-width or other invisible character hides in a key or text; delete it."),
    "yaml-key-not-text": _e("Key is not text", "A mapping key is a number, boolean, null or collection; keys are text."),
    # Schema
    "schema-required": _e("Missing required key", "A required key is missing from this mapping."),
    "schema-unknown-key": _e("Unknown key", "A key the format does not define (often a typo)."),
    "schema-type": _e("Wrong type", "The value has the wrong type (for instance a number where text is expected)."),
    "schema-enum": _e("Value not allowed", "The value is not one of the allowed values."),
    "schema-pattern": _e("Value has the wrong form", "The text does not have the required form (for instance a code such as T1.2)."),
    "schema-too-short": _e("Too short or too few", "A text is empty or a list has too few entries."),
    "schema-too-long": _e("Too long or too many", "A text is too long or a list has too many entries."),
    "schema-not-unique": _e("Repeated entries", "A list repeats an entry."),
    "schema-out-of-range": _e("Number out of range", "A number is below the minimum or above the maximum."),
    "schema-invalid": _e("Invalid value", "The value breaks another rule of the format."),
    # Standards
    "standard-duplicate-id": _e("Duplicate standard id", "Two standards files declare the same id."),
    "standard-filename-mismatch": _w("File name differs from id", "A standard file should be named <id>.yaml."),
    "standard-duplicate-code": _w(
        "Code repeated in a standard", "A duty, task, output or indicator code appears twice in one standard (kept as written in the source)."
    ),
    "standard-irregular-code": _w("Irregular code", "A code whose form or number does not match its place (kept as written in the source)."),
    "standard-code-renamed": _w("One code, several names", "A K or S code carries different names in different duties of one standard (kept as written)."),
    "standard-empty-task": _w("Task without outputs or indicators", "A task lists no work outputs or no performance indicators in the source."),
    "standard-unknown-reference": _e("Unknown standard in supersedes/superseded_by", "supersedes or superseded_by names a standard that does not exist."),
    "standard-supersession-mismatch": _e("Supersession not mutual", "A supersedes B, but B does not name A in superseded_by (or the other way round)."),
    "standard-status-mismatch": _e("Status disagrees with superseded_by", "A superseded standard needs superseded_by, and a current one must not have it."),
    # Items
    "unknown-standard": _e("Unknown standard", "The item names a standard that is not in standards/."),
    "unknown-task": _e("Unknown task", "The task is not in the item's standard."),
    "competency-not-in-duty": _e("K/S code not in the task's duty", "A knowledge or skill code is not listed for the duty that contains the item's task."),
    "attitude-not-in-standard": _e("Unknown attitude", "An attitude (A) code is not listed in the item's standard."),
    "indicator-not-in-task": _e("Indicator not under the task", "A performance indicator (P) code is not listed under the item's task."),
    "answer-not-an-option": _e("Answer is not an option", "The answer names a label that is not among the options."),
    "single-answer-count": _e("Single choice needs exactly one answer", "A single item's answer must be exactly one label."),
    "multiple-answer-count": _e("Multiple response needs two or more answers", "A multiple item's answer must list at least two labels."),
    "duplicate-item-id": _e("Duplicate item id", "Two item files declare the same id."),
    "duplicate-stem": _e("Duplicate stem", "Two items have the same stem once spacing and punctuation are ignored."),
    "duplicate-option-text": _e("Duplicate option text", "Two options of one item say the same thing."),
    "unknown-enemy": _e("Unknown enemy", "An item listed under enemies does not exist."),
    "enemy-self": _e("Item is its own enemy", "An item lists itself under enemies."),
    "superseded-standard": _w("Item on a superseded standard", "The item assesses a standard that a newer one replaces; move it to the current standard."),
    "simplified-chinese": _w("Simplified Chinese character", "Text contains a Simplified character; use Traditional Chinese as written in Taiwan."),
    "item-space-in-chinese": _w(
        "Space inside Chinese text", "A space between two Chinese characters, usually a line break folded by a >- block; keep the sentence on one line."
    ),
    "item-folder-mismatch": _w("Item in another standard's folder", "Items live under items/<standard-id>/; this one is filed under a different standard."),
    "item-filename-mismatch": _w("File name differs from id", "An item file should be named <id>.yaml."),
    "option-count": _w("Unusual number of options", "Single choice items have four options (A-D); multiple response items four or five."),
    "option-labels-not-consecutive": _w("Option labels skip a letter", "Option labels run A, B, C, D… without gaps."),
    "set-single-item": _w("Set with one item", "A set (shared scenario) is used by only one item."),
    # Blueprints and assembly
    "blueprint-unknown-duty": _e("Unknown duty", "The blueprint names a duty that is not in its standard."),
    "blueprint-duty-missing": _e("Duty without a share", "Every duty gets at least one item unless excluded_duties gives a reason."),
    "blueprint-duty-excluded-and-required": _e("Duty excluded and required", "A duty is both excluded and given a share."),
    "blueprint-shares-not-100": _e("Shares do not add up to 100", "Duty percentages must add up to 100."),
    "blueprint-duty-zero": _e("Duty rounds to zero items", "A duty's percentage of the length rounds to no item."),
    "blueprint-range-inverted": _e("Inverted range", "A maximum is below its minimum, or a share falls outside its own min/max."),
    "blueprint-length-mismatch": _e("Length does not fit the duties", "The duty counts cannot add up to the form length."),
    "blueprint-overlap-too-high": _e("Overlap above the form", "max_overlap is above 100% or above the form length."),
    "blueprint-cut-too-high": _e("Cut score above the maximum", "The raw cut score is above any possible score."),
    "blueprint-duty-short": _e("Duty short of items", "A duty needs more eligible items than the bank has."),
    "blueprint-duty-below-tasks": _e(
        "Duty smaller than its tasks", "A duty gets fewer items than its tasks times task_minimum; raise its share or lower the minimum."
    ),
    "blueprint-task-short": _e("Task short of items", "A task has fewer eligible items than the blueprint's per-task minimum."),
    "blueprint-level-short": _e("Duty × level cell short", "A cell of the duty × cognitive-level table needs more eligible items than exist."),
    "blueprint-type-short": _e("Item type short", "The type mix needs more eligible items of a type than exist."),
    "blueprint-type-mix-impossible": _e("Type mix cannot fill the form", "The type minimums exceed the length or the maximums cannot reach it."),
    "blueprint-difficulty-unreachable": _e("Difficulty window unreachable", "No selection of the eligible items can reach the mean difficulty window."),
    "blueprint-parallel-short": _e(
        "Not enough items for parallel forms", "The forms, with the allowed overlap and exposure, need more distinct items than exist."
    ),
    "blueprint-no-eligible-items": _e("No eligible item", "No item of the standard has an eligible status."),
    "blueprint-levels-exceed-duty": _e("Level minimums above the duty", "A duty's cognitive-level minimums add up to more items than the duty gets."),
    "blueprint-enemies-short": _e(
        "Enemies and sets leave too few items", "Items that may not share a form (enemies, oversized sets) leave a duty fewer usable items than it needs."
    ),
    "blueprint-type-duty-capacity": _e(
        "Type minimum does not fit the duties", "A type's minimum is more than the duties' counts can hold of that type's eligible items."
    ),
    "assembly-requirement-short": _e("Requirement short", "The elastic solve found the least total shortfall: this requirement misses by the amount given."),
    "assembly-requirement-over": _e("Requirement exceeded", "The elastic solve found the least total excess: this limit is exceeded by the amount given."),
    "assembly-infeasible": _e(
        "Requirements conflict", "The solver proved that these requirements cannot all hold together; the message lists a minimal conflicting set."
    ),
    "assembly-no-solution": _e("No form found in time", "The solver stopped (time limit or error) without a form."),
    "form-item-missing": _e("Item no longer in the bank", "A form lists an item that the bank no longer has."),
    "form-item-changed": _e("Item changed since assembly", "An item's content hash differs from the one recorded in the form."),
    "form-item-ineligible": _e("Item no longer eligible", "An item's status is no longer one the blueprint allows."),
    "form-blueprint-changed": _e("Blueprint changed", "The blueprint's hash differs from the one recorded in the form."),
    "form-violates-blueprint": _e("Form breaks its blueprint", "The form does not meet a requirement of its blueprint."),
    "form-item-repeated": _e("Item listed twice", "A form lists the same item twice."),
    "form-length-mismatch": _e("Length differs from the items", "A form's length does not equal the number of items its sections list."),
    "form-blueprint-unknown": _e("Blueprint not found", "No blueprint in the blueprint folders has the hash the form records."),
    "form-file-exists": _e("A different form has this file", "A form file of this id exists with different content; it is never overwritten."),
    "form-unreadable": _e("Form file unreadable", "The form file is not a JSON form written by qbank assemble."),
    # Responses gathered elsewhere (qbank score)
    "responses-unreadable": _e("Responses file unreadable", "The responses file cannot be read as CSV text."),
    "responses-not-utf8": _e("Responses not UTF-8", "The CSV is not UTF-8; save it as UTF-8 (in Excel: CSV UTF-8)."),
    "responses-csv-syntax": _e("CSV syntax error", "A quoted field is not closed or a row is malformed."),
    "responses-header": _e("Responses header", "The first row must name the columns candidate_id, item_id, answer."),
    "responses-row": _e("Malformed row", "A row lacks fields or a candidate id."),
    "responses-unknown-item": _e("Item not on the form", "A row names an item that the form does not hold."),
    "responses-empty": _e("No responses", "The CSV has a header but no response rows."),
    "responses-duplicate": _e("Duplicate response", "The same candidate answers the same item on two rows."),
    "responses-bad-answer": _e("Answer is not an option", "An answer names a label the item does not have, or several labels for a single-choice item."),
    # Delivery (attempts, published forms, accounts)
    "form-unknown": _e("Unknown form", "No published form has this id."),
    "form-exists": _e("Form already published", "A form with this id is already published; published forms are immutable."),
    "attempt-unknown": _e("Unknown attempt", "No attempt has this token; it may be mistyped or from another server's database."),
    "attempt-submitted": _e("Attempt already submitted", "The attempt was submitted; answers can no longer change and it cannot be submitted again."),
    "attempt-deadline-passed": _e("Deadline passed", "The attempt's time is over; the answer was not saved and the attempt has been submitted."),
    "response-unknown-question": _e("No such question", "The question number is not on this attempt's form."),
    "response-not-an-option": _e("Answer is not an option", "The answer names a label the question does not show, or several for a single-choice question."),
    "extra-time-invalid": _e("Extra time invalid", "Extra time must be more than 0 and at most 1440 minutes."),
    "access-code-invalid": _e("Access code invalid", "No official form has this access code, or it belongs to another candidate."),
    "candidate-id-invalid": _e("Candidate id invalid", "A candidate id is empty or longer than 100 characters."),
    "access-code-used": _e("Access code already used", "The access code has already started an attempt."),
    "practice-too-long": _e("More questions than items", "A practice asks for more questions than its duties have items."),
    "practice-not-allowed": _e("Not a practice form", "Practice attempts need a practice form; official forms need an access code."),
    "review-not-available": _e(
        "Review or report not available",
        "Keys and rationales are shown only for submitted practice attempts; score reports exist once an attempt is submitted.",
    ),
    "examiner-unknown": _e("Unknown examiner", "No examiner account has this name."),
    "draft-invalid": _e("Draft invalid", "A blueprint draft is empty or too large."),
    "draft-unknown": _e("Unknown draft", "No saved draft of this standard has this id."),
    "examiner-exists": _e("Examiner exists", "An examiner account with this name exists already."),
    "login-rate-limited": _e("Too many failed logins", "Logins for this name are refused for a while after repeated failures."),
    "examiner-invalid": _e("Examiner name or password invalid", "The name is empty or too long, or the password is too short."),
    "database-unavailable": _e("Database unavailable", "The database cannot be opened or migrated; check QBANK_DATABASE_URL and that ./var/ is writable."),
    "challenge-not-allowed": _e("Challenge not allowed", "Challenges are for submitted official attempts."),
    "challenge-window-closed": _e("Challenge window closed", "The time for challenges after this exam has passed."),
    "challenge-duplicate": _e("Question already challenged", "This question was already challenged on this attempt."),
    "challenge-reason-invalid": _e("Challenge reason missing", "A challenge needs a reason of 1 to 2,000 characters."),
    "challenge-cite-unknown": _e("Cited code unknown", "The cited task or indicator is not in the form's standard."),
    "cut-decision-invalid": _e("Cut decision invalid", "A cut decision needs a known method and one cut within the form's range."),
    "ruling-invalid": _e("Ruling invalid", "A ruling needs a kind, a reason and, to add or replace a key, valid labels."),
    # Standard-setting studies held in the app (delivery/standard_setting.py)
    "study-unknown": _e("Unknown study", "No standard-setting study has this id."),
    "study-form-not-official": _e("Not an official form", "A standard-setting study sets the cut of a published official form, not a practice form."),
    "study-owner-only": _e("Owner only", "Only the examiner who opened the study invites, closes rounds, enters judgements for others and applies its cut."),
    "study-not-panelist": _e("Not on the panel", "Only the panelists the owner invited rate items or give judgements in a study."),
    "study-round-closed": _e("Round closed", "A closed round, or a closed study, cannot be changed."),
    "study-step-invalid": _e(
        "Step out of order", "Steps follow one order: invite, round 1, round 2, close the study, then apply a cut; this one is not possible now."
    ),
    "cut-already-applied": _e(
        "Cut already applied", "The form's cut in force already comes from this study by this method; applying it again would change nothing."
    ),
    "study-incomplete": _e("Ratings incomplete", "A round closes, and a result exists, only once every panelist has rated every item (or given judgements)."),
    "rating-out-of-range": _e("Rating out of range", "An Angoff rating is a probability from 0 to 1 (0% to 100%)."),
    "hofstee-judgement-invalid": _e(
        "Hofstee judgements invalid", "Judgements are percents with 0 <= lowest < highest <= 100, for the cut and for the fail rate."
    ),
    "hofstee-no-scores": _e("No scores for Hofstee", "Hofstee's method needs the scores of submitted official attempts on the form."),
    "item-possible-cue": _w("Possible cue between items", "An item's text contains another item's key; on one form the first gives the second away."),
    "item-near-duplicate": _w("Near-duplicate items", "Two items of a standard have nearly the same stem."),
    "similarity-not-checked": _w("Cue check skipped", "A standard has too many items for the pairwise cue and near-duplicate check."),
    "dismissal-malformed": _e("Dismissal line malformed", "A line of similar-pairs.tsv needs two item ids and a reason, separated by tabs."),
    "role-required": _e("Role required", "The account lacks the role (writer, reviewer, examiner) this needs."),
    "review-own-item": _e("Own item", "Nobody reviews or activates an item they wrote."),
    "review-invalid": _e("Review incomplete", "A review needs a verdict, and a reason when the blind answer differs from the key."),
    "item-not-reviewed": _e("Item not reviewed", "An item becomes active only after an approving blind review of its current revision by another person."),
    "item-not-draft": _e("Item not a draft", "Only a draft goes to review."),
    "item-unknown": _e("Unknown item", "No item file has this id."),
    "backup-failed": _e("Backup failed", "The database could not be copied to the backup file."),
    "set-spans-standards": _e("Set spans standards", "Items of one set (shared scenario) belong to different standards."),
    # Export and import of items (qbank export / qbank import)
    "export-field-dropped": _w("Field not carried by the format", "The export format has no place for this item field; the exported file lacks it."),
    "import-format-unknown": _e("Import format unknown", "The format cannot be told from the file name; give --format."),
    "xlsx-unreadable": _e("Workbook unreadable", "The file is not an .xlsx workbook (or the folder holds none)."),
    "xlsx-sheet-missing": _e("Sheet missing", "The workbook has no sheet named items."),
    "xlsx-header": _e("Header row wrong", "The items sheet's first row names an unknown or repeated column, or lacks a required one."),
    "xlsx-formula": _e("Formula in a cell", "An item cell holds a formula; items are plain values."),
    "xlsx-cell-value": _e("Cell value unreadable", "A cell's value is not what its column needs (a number, a label, true/false)."),
    "xlsx-empty": _e("No item rows", "The items sheet has a header row but no item."),
    "qti-package": _e("QTI package unreadable", "The file is not a zip content package with an imsmanifest.xml naming its items."),
    "qti-xml": _e("QTI XML not well-formed", "An XML file of the package cannot be parsed."),
    "qti-content": _e("QTI content not understood", "An element or attribute the import needs is missing or has a value it cannot map to an item."),
    "moodle-xml": _e("Moodle XML not well-formed", "The file cannot be parsed as XML, or its root is not <quiz>."),
    "moodle-content": _e("Moodle question not understood", "A question lacks a part the import needs, or is of a type the bank has no equivalent for."),
    "gift-syntax": _e("GIFT syntax error", "A question is not written in GIFT as the import reads it (title, text and {answers})."),
    # Item analysis (qbank analyze): flags on an item's statistics, thresholds in docs/item-analysis.md
    "stat-too-hard": _w("Item too hard", "Fewer candidates earned the item's points than the threshold (p below 0.20): below chance for four options."),
    "stat-too-easy": _w("Item too easy", "Almost every candidate earned the item's points (p above 0.95); it hardly separates candidates."),
    "stat-low-discrimination": _w("Low discrimination", "The item's score correlates weakly with the rest of the form (corrected item-total r below 0.10)."),
    "stat-negative-discrimination": _w(
        "Negative discrimination", "Candidates who do well on the rest of the form do worse on this item (corrected item-total r below 0)."
    ),
    "stat-possible-miskey": _w(
        "Possible wrong key", "A distractor chosen by enough candidates is chosen by higher-scoring candidates than the key; check the key."
    ),
    "stat-high-omit": _w("Often left blank", "More candidates than the threshold (10%) left the item blank: unclear wording, or too little time."),
}


# Traditional-Chinese title and what to do, per code: what people read in the app (describe_zh).
_ZH: dict[str, tuple[str, str]] = {
    "file-not-found": ("找不到檔案", "請確認檔案路徑與檔名是否正確。"),
    "file-unreadable": ("無法讀取檔案", "請確認這是一般檔案（不是資料夾），且您有讀取權限。"),
    "file-too-large": ("檔案太大", "請確認是否選錯檔案；題庫檔案不可超過 2 MB，過大請分成多個檔案。"),
    "not-utf8": ("檔案不是 UTF-8 編碼", "請將檔案另存為 UTF-8 編碼。"),
    "empty-file": ("檔案是空的", "請確認檔案內容已儲存，或選擇正確的檔案。"),
    "tab-character": ("含有 Tab 字元", "請將 Tab 字元改為空格；縮排與文字只能使用空格。"),
    "yaml-syntax": ("YAML 語法錯誤", "請檢查標示位置附近的縮排、冒號與引號是否正確。"),
    "yaml-multiple-documents": ("含有多份 YAML 文件", "請刪除多餘的 `---` 分隔線，讓一個檔案只有一份 YAML 文件。"),
    "yaml-too-deep": ("YAML 層級太深", "請檢查縮排是否有誤，題庫檔案只需要少數幾層。"),
    "yaml-alias": ("使用了 YAML 錨點或別名", "請勿使用 &、* 引用，請把內容完整寫出來。"),
    "yaml-duplicate-key": ("欄位名稱重複", "請刪除或合併重複的欄位；否則只會保留最後一個。"),
    "yaml-unsupported-tag": ("不支援的 YAML 標籤", "請刪除 `!!` 開頭的標籤，只填寫一般的值。"),
    "yaml-boolean-as-text": ("文字被讀成布林值", "請為 yes、no、on、off、true、false 加上引號。"),
    "yaml-key-not-text": ("欄位名稱不是文字", "請將欄位名稱改為文字，數字或 yes/no 請加上引號。"),
    "schema-required": ("缺少必填欄位", "請補上訊息中所列的必填欄位。"),
    "schema-unknown-key": ("不認得的欄位", "請檢查欄位名稱是否拼錯，或刪除多餘的欄位。"),
    "schema-type": ("資料類型錯誤", "請依格式填寫正確類型的值，例如該填文字的地方不要填數字。"),
    "schema-enum": ("不允許的值", "請改為訊息中列出的可用值之一。"),
    "schema-pattern": ("格式不正確", "請依規定格式填寫，例如代碼寫成 T1.2 的形式。"),
    "schema-too-short": ("內容太短或項目太少", "請填寫內容，或補足清單中的項目。"),
    "schema-too-long": ("內容太長或項目太多", "請縮短文字，或減少清單中的項目。"),
    "schema-not-unique": ("清單項目重複", "請刪除清單中重複的項目。"),
    "schema-out-of-range": ("數值超出範圍", "請將數值改在允許的最小值與最大值之間。"),
    "schema-invalid": ("值不符合規定", "請依訊息說明修正這個值。"),
    "standard-duplicate-id": ("職能基準代碼重複", "請確認兩個檔案是否重複，並讓每個職能基準的 `id` 都不相同。"),
    "standard-filename-mismatch": ("檔名與代碼不符", "請將檔案命名為 `<id>.yaml`，與檔案內的 `id` 一致。"),
    "standard-duplicate-code": ("職能基準內代碼重複", "已依原始資料保留；請與職能基準原文核對是否正確。"),
    "standard-irregular-code": ("代碼不規則", "已依原始資料保留；請與職能基準原文核對代碼是否正確。"),
    "standard-code-renamed": ("同一代碼有不同名稱", "已依原始資料保留；請與職能基準原文核對知識或技能名稱。"),
    "standard-empty-task": ("工作任務缺少產出或指標", "請與職能基準原文核對，補上工作產出或行為指標。"),
    "standard-unknown-reference": ("參照的職能基準不存在", "請檢查 `supersedes` 或 `superseded_by` 中的代碼是否正確。"),
    "standard-supersession-mismatch": ("新舊版本未互相對應", "請在新舊兩個職能基準中互相填寫 `supersedes` 與 `superseded_by`。"),
    "standard-status-mismatch": ("狀態與取代資訊不符", "已被取代的版本請填 `superseded_by`；現行版本請刪除此欄位。"),
    "unknown-standard": ("找不到職能基準", "請確認題目中的職能基準代碼是否正確，且該基準已放入 standards/。"),
    "unknown-task": ("找不到工作任務", "請確認工作任務代碼是否屬於這個職能基準。"),
    "competency-not-in-duty": ("知識或技能不屬於該職責", "請改用此工作任務所屬職責列出的知識（K）或技能（S）代碼。"),
    "attitude-not-in-standard": ("找不到態度代碼", "請改用這個職能基準中列出的態度（A）代碼。"),
    "indicator-not-in-task": ("行為指標不屬於該工作任務", "請改用此工作任務底下列出的行為指標（P）代碼。"),
    "answer-not-an-option": ("答案不是選項之一", "請確認答案填寫的是本題選項中的代號。"),
    "single-answer-count": ("單選題只能有一個答案", "請將答案改為一個選項代號。"),
    "multiple-answer-count": ("複選題至少要兩個答案", "請填寫兩個以上的選項代號作為答案；只有一個答案請改為單選題。"),
    "duplicate-item-id": ("題目代碼重複", "請確認兩個題目是否重複，並讓每題的 `id` 都不相同。"),
    "duplicate-stem": ("題幹重複", "請確認是否為同一題；如是請刪除其一，否則請修改題幹。"),
    "duplicate-option-text": ("選項內容重複", "請修改選項，讓每個選項的內容都不相同。"),
    "unknown-enemy": ("找不到互斥題目", "請確認 `enemies` 中的題目代碼是否正確。"),
    "enemy-self": ("題目將自己列為互斥題", "請從 `enemies` 中刪除本題自己的代碼。"),
    "superseded-standard": ("題目使用已被取代的職能基準", "請將題目改對應到現行版本的職能基準。"),
    "simplified-chinese": ("含有簡體字", "請改用臺灣慣用的繁體中文。"),
    "item-space-in-chinese": ("中文字之間有空格", "請刪除空格，並將句子寫在同一行。"),
    "item-folder-mismatch": ("題目放錯資料夾", "請將題目移到 `items/<職能基準代碼>/` 對應的資料夾。"),
    "item-filename-mismatch": ("檔名與題目代碼不符", "請將檔案命名為 `<id>.yaml`，與題目的 `id` 一致。"),
    "option-count": ("選項數量不尋常", "單選題請提供四個選項（A–D），複選題請提供四或五個選項。"),
    "option-labels-not-consecutive": ("選項代號跳號", "請依 A、B、C、D 順序連續編排選項代號。"),
    "set-single-item": ("題組只有一題", "請為這個題組再加入題目，或改為獨立題目。"),
    "blueprint-unknown-duty": ("找不到職責", "請確認藍圖中的職責代碼是否屬於這個職能基準。"),
    "blueprint-duty-missing": ("職責未分配比例", "請為這個職責分配比例，或在 `excluded_duties` 中說明排除原因。"),
    "blueprint-duty-excluded-and-required": ("職責同時被排除與分配", "請擇一：刪除該職責的比例，或取消排除。"),
    "blueprint-shares-not-100": ("比例合計不是 100%", "請調整各職責的比例，使合計為 100%。"),
    "blueprint-duty-zero": ("職責分配不到題目", "請提高這個職責的比例或增加試卷題數。"),
    "blueprint-range-inverted": ("範圍上下限顛倒", "請確認最大值不小於最小值，且比例落在自己的上下限之間。"),
    "blueprint-length-mismatch": ("題數與職責分配不符", "請調整試卷題數或各職責的題數範圍，使兩者能夠相符。"),
    "blueprint-cut-too-high": ("及格分數高於滿分", "請將及格分數調降到不超過試卷滿分。"),
    "blueprint-duty-short": ("職責的題目不足", "題庫中符合條件的題目不足，無法組成試卷；請增加題目或調降此職責比例。"),
    "blueprint-task-short": ("工作任務的題目不足", "請為這個工作任務增加題目，或調降每個工作任務的最少題數。"),
    "blueprint-level-short": ("職責與認知層次的題目不足", "請增加該職責與認知層次的題目，或調整此格的題數要求。"),
    "blueprint-type-short": ("題型的題目不足", "請增加這種題型的題目，或調降此題型的題數要求。"),
    "blueprint-type-mix-impossible": ("題型配比無法湊成試卷", "請調整各題型的最少與最多題數，使總和能符合試卷題數。"),
    "blueprint-difficulty-unreachable": ("無法達到難度範圍", "請放寬平均難度範圍，或增加難度合適的題目。"),
    "blueprint-parallel-short": ("題目不足以組成複本試卷", "請減少複本份數、放寬重複題數與曝光限制，或增加題目。"),
    "blueprint-no-eligible-items": ("沒有可用的題目", "請確認此職能基準有題目，且題目狀態為藍圖允許的狀態。"),
    "blueprint-levels-exceed-duty": ("認知層次的最少題數超過職責題數", "請提高這個職責的比例，或調降此職責各認知層次的最少題數。"),
    "blueprint-enemies-short": ("互斥題與題組使可用題目不足", "互斥的題目不能同卷；請為這個職責增加題目，或檢討互斥設定。"),
    "blueprint-type-duty-capacity": ("題型最少題數超過各職責能容納的數量", "請在題數較多的職責增加這種題型的題目，或調降此題型的最少題數。"),
    "assembly-requirement-short": ("條件不足", "這項要求差了訊息所列的題數；請依建議修改藍圖或增加題目。"),
    "assembly-requirement-over": ("超過上限", "這項上限超出了訊息所列的題數；請依建議修改藍圖或增加題目。"),
    "assembly-infeasible": ("組卷條件互相衝突", "請依訊息列出的衝突條件，放寬其中一項後再組卷。"),
    "assembly-no-solution": ("時間內未能組出試卷", "請稍後再試，或放寬藍圖條件、延長組卷時間。"),
    "form-item-missing": ("題庫中已沒有這題", "請將題目放回題庫，或重新組卷。"),
    "form-item-changed": ("組卷後題目已被修改", "請還原題目內容，或重新組卷。"),
    "form-item-ineligible": ("題目已不符合使用條件", "請確認題目狀態，或重新組卷。"),
    "form-blueprint-changed": ("藍圖已變更", "請還原藍圖，或依新藍圖重新組卷。"),
    "form-violates-blueprint": ("試卷不符合藍圖", "請依訊息說明修正，或重新組卷。"),
    "form-unreadable": ("無法讀取試卷檔案", "請選擇由 `qbank assemble` 產生的 JSON 試卷檔案。"),
    "responses-unreadable": ("無法讀取作答檔案", "請確認作答檔案是 CSV 格式的文字檔。"),
    "responses-not-utf8": ("作答檔案不是 UTF-8", "請另存為 UTF-8 編碼；Excel 請選「CSV UTF-8」。"),
    "responses-csv-syntax": ("CSV 格式錯誤", "請檢查引號是否成對，以及每列的欄位是否完整。"),
    "responses-header": ("作答檔案標題列錯誤", "請讓第一列的欄位名稱為 candidate_id、item_id、answer。"),
    "responses-row": ("資料列格式錯誤", "請補齊這一列的欄位與考生編號。"),
    "responses-unknown-item": ("題目不在試卷中", "請確認題目代碼是否正確，或是否選錯試卷。"),
    "responses-duplicate": ("作答重複", "請刪除同一考生對同一題的重複資料列。"),
    "responses-bad-answer": ("答案不是選項之一", "請確認答案是本題的選項代號；單選題只能有一個答案。"),
    "form-unknown": ("找不到這份試卷", "請確認試卷代碼是否正確。"),
    "form-exists": ("這份試卷已經發布過", "已發布的試卷不能修改，請重新組卷。"),
    "attempt-unknown": ("找不到這次作答紀錄", "請確認網址是否完整，或回首頁重新開始。"),
    "attempt-submitted": ("這次作答已經交卷", "答案無法再修改；如有疑問，請向監考人員確認。"),
    "attempt-deadline-passed": ("作答時間已到", "系統已依截止前儲存的答案自動交卷；剛才的作答未被儲存。"),
    "response-unknown-question": ("沒有這一題", "請從題號導覽重新選擇。"),
    "response-not-an-option": ("這不是本題的選項", "請重新選擇；單選題只能選一個答案。"),
    "extra-time-invalid": ("延長時間不正確", "請輸入大於 0、最多 1440 分鐘的延長時間。"),
    "access-code-invalid": ("准考碼或考生編號不正確", "請向監考人員確認。"),
    "access-code-used": ("准考碼已使用過", "這組准考碼已經開始作答，請向監考人員確認。"),
    "practice-not-allowed": ("這份試卷不能用於練習", "練習請選擇練習用試卷；正式考試請輸入准考碼。"),
    "review-not-available": ("目前無法檢討或查看成績", "正式考試不提供題目檢討；練習模式交卷後才能檢討，成績單於交卷後提供。"),
    "examiner-exists": ("考官帳號已存在", "請改用其他帳號名稱。"),
    "login-rate-limited": ("登入失敗次數過多", "請 15 分鐘後再試。"),
    "examiner-invalid": ("帳號或密碼格式不符", "帳號請填 1 至 100 字；密碼至少 10 個字元，且含 4 種以上不同字元。"),
    "set-spans-standards": ("題組跨不同職能基準", "請讓同一題組的題目都對應同一個職能基準。"),
    "folder-unreadable": ("無法讀取資料夾", "請確認資料夾的權限；其中的檔案都還沒有檢查。"),
    "no-yaml-files": ("找不到 YAML 檔案", "這個資料夾裡沒有 .yaml 或 .yml 檔案，請確認路徑。"),
    "value-not-finite": ("數值不是有限數", "請改寫為一般數字，例如 1 或 0.5，不可使用 .nan 或 .inf。"),
    "text-invisible-only": ("文字只有看不見的字元", "請輸入實際的文字內容，並刪除零寬度空白等隱藏字元。"),
    "text-invisible-character": ("含有看不見的字元", "請刪除標示位置的零寬度空白或其他隱藏字元後重新輸入。"),
    "blueprint-overlap-too-high": ("重疊上限超出試卷", "請將 max_overlap 改為 0% 到 100%，或不超過試卷題數的數字。"),
    "form-item-repeated": ("試卷重複列出試題", "同一題只能出現一次，請重新組卷。"),
    "form-length-mismatch": ("題數與試題不符", "試卷的 length 與列出的試題數不同，請重新組卷。"),
    "form-blueprint-unknown": ("找不到試卷的藍圖", "請用 --blueprints 指定組卷時所用藍圖所在的資料夾。"),
    "form-file-exists": ("已有不同的同名試卷", "請先移走原有的試卷檔，或改存到其他資料夾；系統不會覆寫。"),
    "responses-empty": ("沒有作答資料", "CSV 只有標題列，請每位考生每一題加入一列作答。"),
    "candidate-id-invalid": ("考生編號格式不符", "考生編號須為 1 到 100 個字元，請向監考人員確認您的編號。"),
    "draft-invalid": ("藍圖草稿無效", "草稿不可空白，也不可超過 256 KB，請確認藍圖內容。"),
    "draft-unknown": ("找不到藍圖草稿", "請從草稿清單重新選擇。"),
    "challenge-not-allowed": ("無法提出疑義", "試題疑義僅限已交卷的正式考試。"),
    "challenge-window-closed": ("疑義期限已過", "本次考試的試題疑義申請期限已過。"),
    "challenge-duplicate": ("此題已提出疑義", "同一題只能提出一次疑義，請等待考官裁定。"),
    "challenge-reason-invalid": ("請填寫疑義理由", "請說明理由（1 到 2,000 字）。"),
    "challenge-cite-unknown": ("引用的代碼不存在", "請從清單中選擇本職能基準的工作任務或行為指標。"),
    "cut-decision-invalid": ("及格標準決定無效", "請選擇方法，並給一個 0 到 100 的百分比或不超過滿分的原始分數。"),
    "item-possible-cue": ("試題之間可能有提示", "這題的文字含有另一題的答案；請宣告為互斥題（enemies）、改寫，或在 similar-pairs.tsv 記錄理由。"),
    "item-near-duplicate": ("題目幾乎重複", "兩題題幹幾乎相同；請改寫成考不同的重點、宣告互斥，或記錄不處理的理由。"),
    "similarity-not-checked": ("未檢查試題提示", "這個職能基準的試題太多，未做兩兩比對；請分批檢查。"),
    "dismissal-malformed": ("排除清單格式錯誤", "每一行請寫兩個試題代碼與理由，中間以 Tab 分隔。"),
    "role-required": ("沒有這項權限", "這個動作需要撰寫者、審題者或考官的角色，請洽系統管理者。"),
    "review-own-item": ("不能審自己的題", "試題須由撰寫者以外的人審查與啟用。"),
    "review-invalid": ("審查內容不完整", "請選擇結論；盲答與答案不同時，請說明如何解決，或請撰寫者修改。"),
    "item-not-reviewed": ("試題尚未通過審查", "目前版本須由撰寫者以外的審題者盲答相符並核可後才能啟用。"),
    "item-not-draft": ("試題不是草稿", "只有草稿可以送審。"),
    "item-unknown": ("找不到試題", "請確認試題代碼。"),
    "practice-too-long": ("題數超過可用題目", "所選職責的題目不夠，請減少題數（畫面會顯示可用題數）。"),
    "backup-failed": ("備份失敗", "無法複製資料庫到備份檔；請確認路徑、磁碟空間與 PostgreSQL 用戶端工具。"),
    "blueprint-duty-below-tasks": ("職責題數少於其任務數", "這個職責分到的題數少於「任務數 × 每任務最少題數」；請提高該職責比例，或把 task_minimum 設為 0。"),
    "ruling-invalid": ("裁定內容不完整", "請選擇裁定方式並填寫理由；增列或更正答案時請給正確的選項代號。"),
    "study-unknown": ("找不到這項標準設定研究", "請從清單重新選擇研究。"),
    "study-form-not-official": ("不是正式試卷", "標準設定只用於已發布的正式試卷，請改選正式試卷。"),
    "study-owner-only": ("只有研究負責人可以執行", "邀請評審、結束輪次、代填判斷與套用及格標準，請由開啟研究的考官操作。"),
    "study-not-panelist": ("您不是這項研究的評審", "請洽研究負責人邀請您加入評審小組，再重新整理頁面。"),
    "study-round-closed": ("這一輪已結束，不能再修改", "已結束的輪次或研究不能更改；請重新整理頁面，查看目前進行中的輪次。"),
    "study-step-invalid": ("步驟順序不符", "請依序進行：邀請評審、第 1 輪評分、結束第 1 輪並開始第 2 輪、結束研究，之後才能套用及格標準。"),
    "cut-already-applied": ("這個及格標準已經套用", "試卷目前的及格標準就是由這項研究以此方法決定的，不必再套用；決定紀錄列在「由本研究做成的及格標準決定」。"),
    "study-incomplete": ("評分尚未完成", "每位評審都評完每一題（或填好判斷）後才能進行；未完成的評審可請負責人移出評審小組。"),
    "rating-out-of-range": ("評分超出範圍", "請填 0 到 1 的機率（例如 0.65），或在百分比模式填 0 到 100。"),
    "hofstee-judgement-invalid": ("Hofstee 判斷不合理", "請填 0 到 100 的百分比，且最低可接受值要小於最高可接受值（及格分數與不及格率都是）。"),
    "hofstee-no-scores": ("還沒有考生成績", "Hofstee 法需要已交卷的正式考試成績；請等考生交卷後再計算。"),
    "examiner-unknown": ("找不到考官帳號", "請確認帳號名稱是否正確。"),
    "database-unavailable": ("無法使用資料庫", "請通知系統管理者確認資料庫設定（QBANK_DATABASE_URL）與 var/ 的寫入權限。"),
    "export-field-dropped": ("匯出格式無法保留此欄位", "此格式沒有對應的欄位，匯出的檔案不含這項資料；需要完整資料請改用 xlsx 或 QTI 格式。"),
    "import-format-unknown": ("無法判斷匯入格式", "請用 --format 指定格式（xlsx、qti21、moodle 或 gift）。"),
    "xlsx-unreadable": ("無法讀取活頁簿", "請另存為 Excel 活頁簿（.xlsx），或確認資料夾內有 .xlsx 檔案。"),
    "xlsx-sheet-missing": ("找不到工作表", "請保留名為 items 的工作表，題目寫在這張工作表中。"),
    "xlsx-header": ("標題列有誤", "請使用匯出時的標題列，不要更改、重複或刪除必要的欄位名稱。"),
    "xlsx-formula": ("儲存格含有公式", "請直接輸入文字或數值，不要使用公式。"),
    "xlsx-cell-value": ("儲存格的值不正確", "請依欄位填寫：分數填數字、版次填整數、答案填選項代號或 true/false。"),
    "xlsx-empty": ("沒有題目資料列", "請在標題列下方每題填寫一列。"),
    "qti-package": ("無法讀取 QTI 題目包", "請選擇由 qbank 匯出、含有 imsmanifest.xml 的 QTI 2.1 zip 檔。"),
    "qti-xml": ("QTI 的 XML 格式錯誤", "請檢查標示位置附近的標籤是否成對、內容是否完整。"),
    "qti-content": ("無法解讀 QTI 內容", "請確認題目使用單選、複選或是非的選擇題型，且必要的元素與屬性都在。"),
    "moodle-xml": ("Moodle XML 格式錯誤", "請選擇由 Moodle 或 qbank 匯出的 Moodle XML 檔案，並檢查標示位置附近的標籤。"),
    "moodle-content": ("無法解讀 Moodle 題目", "題庫只接受選擇題與是非題；請確認題目名稱、題幹與選項都在。"),
    "gift-syntax": ("GIFT 格式錯誤", "請檢查題目的 ::名稱::、題幹與 {答案} 是否完整，大括號是否成對。"),
    "stat-too-hard": ("試題過難", "答對率低於 0.20，比四選一猜題還低；請檢查答案、題意與選項是否有誤。"),
    "stat-too-easy": ("試題過易", "幾乎所有考生都答對（答對率高於 0.95），無法區分能力；請考慮提高難度或改寫誘答選項。"),
    "stat-low-discrimination": ("鑑別度偏低", "本題得分與其他題目的總分關聯很弱；請檢查題意是否模糊，或是否測到與本職能無關的內容。"),
    "stat-negative-discrimination": ("鑑別度為負", "整體表現較好的考生反而較常答錯；請優先檢查答案是否正確、題意是否有兩種解讀。"),
    "stat-possible-miskey": ("答案可能有誤", "選擇某個誘答選項的考生總分高於選擇正確答案的考生；請核對答案與解析。"),
    "stat-high-omit": ("未作答比例偏高", "超過一成考生未作答；請檢查題意是否清楚，或作答時間是否足夠（特別是試卷後段的題目）。"),
}

CATALOG = {code: dataclasses.replace(info, title_zh=_ZH.get(code, ("", ""))[0], hint_zh=_ZH.get(code, ("", ""))[1]) for code, info in CATALOG.items()}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located in a file. Equality and order ignore the message text."""

    file: str
    line: int | None
    column: int | None
    code: str
    path: str = ""
    severity: Severity = field(default=Severity.ERROR, compare=False)
    message: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
        }


MAX_MESSAGE = 400


def visible(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` fit for one line of a message: invisible and control characters written as
    \\u200b (so "answer\u200b" never looks like "answer"), and cut at ``limit`` characters."""
    out = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def problem(code: str, file: str, line: int | None, column: int | None, message: str, path: str = "") -> Problem:
    """Build a problem whose severity comes from the catalog (KeyError for unknown codes).

    The message and path are made visible (see :func:`visible`) and kept to one short line."""
    message = visible(message)
    path = visible(path, 200)
    return Problem(
        file=file,
        line=line,
        column=column,
        code=code,
        path=path,
        severity=CATALOG[code].severity,
        message=message,
    )


def format_path(parts: tuple[Any, ...] | list[Any]) -> str:
    """Render a data path as dotted keys with [index] for list positions: ``options.A``, ``duties[2].tasks[0]``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# A gap in Chinese for the app (questionbank.feasibility.Gap.text_zh): counted against the bank or
# the blueprint, or measured by the elastic solve (summed over the forms).
GAP_TEXT_ZH: dict[str, str] = {
    "count-short": "{subject}：需要 {need} 題，只有 {have} 題可用（差 {amount} 題）",
    "rule-short": "{subject}：需要 {need} 題，藍圖只給 {have} 題（差 {amount} 題）",
    "count-over": "{subject}：上限 {need}，但至少會是 {have}（超過 {amount}）",
    "solver-short": "{subject}：差 {amount} 題{across}",
    "solver-over": "{subject}：超過 {amount} 題{across}",
}

# What an examiner would write to remove a gap (questionbank.feasibility.Repair): the English
# sentence for the CLI and JSON, the Chinese one for the app, filled with the repair's numbers.
REPAIR_TEXT: dict[str, tuple[str, str]] = {
    "raise-length": (
        "raise length to {length} items (the shares then give every task its minimum)",
        "將 length 提高到 {length} 題（各職責依比例即可讓每個工作任務分到題目）",
    ),
    "raise-duty": ("raise {duty} to at least {count} items ({percent}% of {length})", "將 {duty} 提高到至少 {count} 題（{length} 題的 {percent}%）"),
    "lower-duty": ("lower {duty} to {count} items ({percent}% of {length})", "將 {duty} 調降為 {count} 題（{length} 題的 {percent}%）"),
    "raise-duty-for-task": ("or give {duty} {count} more item(s) so that task {task} gets one", "或讓 {duty} 多 {count} 題，使工作任務 {task} 分得到題目"),
    "task-minimum-zero": (
        "or set task_minimum to 0 (no task needs an item of its own)",
        "或將 task_minimum 設為 0（不要求每個工作任務都有題目）",
    ),
    "lower-level-min": ("or lower the level minimums of {cell} to at most {value} in total", "或將 {cell} 各認知層次的最少題數合計調降到 {value} 題以內"),
    "fewer-enemies": (
        "write {count} more item(s) for {duty} that are nobody's enemy, or review its enemies lists",
        "為 {duty} 再寫 {count} 題不與他題互斥的題目，或檢討其 enemies 設定",
    ),
    "lower-type-minimums": ("lower the type minimums by {count} in total", "將各題型的最少題數合計調降 {count} 題"),
    "raise-type-maximums": ("raise the type maximums by {count} in total", "將各題型的最多題數合計提高 {count} 題"),
    "lower-cut": ("lower the raw cut to at most {value}", "將及格原始分數調降到 {value} 分以下"),
    "widen-difficulty": ("set difficulty.{field} to {value}", "將 difficulty.{field} 改為 {value}"),
    "raise-overlap": ("raise max_overlap to {count} items ({percent}%)", "將 max_overlap 提高到 {count} 題（{percent}%）"),
    "fewer-forms": ("build at most {forms} form(s) at once", "一次最多組 {forms} 份試卷"),
    "write-items": ("the bank lacks {count} {what} item(s) in {where}: write and activate them", "題庫在 {where} 還缺 {count} 題{what_zh}題目：請撰寫並啟用"),
    "raise-max": ("raise {field} max to {value}", "將 {field} 的 max 提高為 {value}"),
    "lower-min": ("or lower {field} min to {value}", "或將 {field} 的 min 調降為 {value}"),
}


def describe_zh(found: Problem) -> str:
    """What a person reads in the app: the Chinese title, where (file, line and column), and what
    to do, all from the catalog (never the English message or a traceback). A refusal without a
    file (a wrong access code) names no place: the page shows it beside the field concerned."""
    info = CATALOG.get(found.code)
    title, hint = (info.title_zh, info.hint_zh) if info else ("無法完成這個操作", "請稍後再試，或通知考官。")
    where = []
    if found.file:
        where.append(found.file.rsplit("/", 1)[-1])
    if found.line is not None:
        where.append(f"第 {found.line} 行" + (f"第 {found.column} 欄" if found.column else ""))
    place = f"（{'，'.join(where)}）" if where else ""
    return f"{title}{place}：{hint}"
