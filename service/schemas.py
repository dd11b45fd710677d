"""Request and response models: they validate requests and generate the OpenAPI document.

Requests are strict (no type coercion, no unknown fields) so a client's mistake is reported
instead of silently reinterpreted.
"""

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from classifier import TOP_K_MAX, check_depth, check_threshold, check_top_k

# Bounds are checked by the classifier's own option checks, so the library, the CLI and the
# service refuse the same values with the same words; the schema only documents them.
TopK = Annotated[
    int,
    AfterValidator(check_top_k),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": TOP_K_MAX}),
]
Threshold = Annotated[
    float,
    AfterValidator(check_threshold),
    WithJsonSchema({"type": "number", "minimum": 0.0, "maximum": 1.0}),
]
Depth = Annotated[
    int, AfterValidator(check_depth), WithJsonSchema({"type": "integer", "enum": [1, 2]})
]

# A string that holds at least one non-space character.
Content = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]
DocumentId = Annotated[str, StringConstraints(min_length=1, max_length=256)] | int

_ONE_OF_TEXT_OR_HTML: dict[str, Any] = {"oneOf": [{"required": ["text"]}, {"required": ["html"]}]}


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class TagOptions(StrictModel):
    """Options shared by single and batch tagging."""

    top_k: TopK | None = Field(None, description="return at most this many tags")
    threshold: Threshold | None = Field(
        None, description="one score bar for every tag, replacing the per-tag ones"
    )
    explain: bool = Field(False, description="list the terms that raised each tag's score most")
    depth: Depth = Field(
        1, description="1: top-level topics; 2: also the subtopics under each (IPTC level 2)"
    )
    any_language: bool = Field(
        False, description="tag text that is not English anyway (the model knows English only)"
    )


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _optional(description: str) -> Any:
    """An optional string field that refuses an explicit null, as its schema says."""
    return Field(None, description=description, json_schema_extra=_drop_default)


class _TextOrHtml(StrictModel):
    # Typed without None so that an explicit null is refused; leaving the field out is fine.
    text: Content = _optional("plain text; paragraphs separated by blank lines")
    html: Content = _optional("an HTML page; its main text is extracted first")

    @model_validator(mode="after")
    def _exactly_one_source(self) -> "_TextOrHtml":
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self


class TagRequest(TagOptions, _TextOrHtml):
    """POST /v1/tag."""

    model_config = ConfigDict(json_schema_extra=_ONE_OF_TEXT_OR_HTML)
    paragraphs: bool = Field(True, description="include per-paragraph tags and offsets")


class BatchDocument(_TextOrHtml):
    """One document of a batch."""

    model_config = ConfigDict(json_schema_extra=_ONE_OF_TEXT_OR_HTML)
    id: DocumentId


# Items are not constrained here: the batch is accepted and an invalid document gets an error
# entry of its own (see BatchDocument for what a valid one looks like).
Documents = Annotated[
    list[Any],
    Field(min_length=1),
    WithJsonSchema(
        {
            "type": "array",
            "minItems": 1,
            "items": {"description": "a BatchDocument; an invalid one gets its own error entry"},
        }
    ),
]


class BatchRequest(TagOptions):
    """POST /v1/tag/batch. Documents are checked one by one, so one bad one fails alone."""

    documents: Documents
    paragraphs: bool = Field(False, description="include per-paragraph tags and offsets")


class LabelIn(StrictModel):
    """POST /v1/labels: a correction. ["none"] marks text with no topic."""

    text: Content
    labels: Annotated[
        list[Annotated[str, StringConstraints(min_length=1)]], Field(min_length=1, max_length=20)
    ]
    source: Annotated[str, StringConstraints(max_length=200)] = _optional(
        "who or what made the label"
    )
    id: Annotated[str, StringConstraints(min_length=1, max_length=256)] = _optional(
        "your id for the label; also the idempotency key (default: a hash of text and labels)"
    )


class LabelBatchRequest(StrictModel):
    """POST /v1/labels/batch: stored all together or not at all."""

    labels: Annotated[list[LabelIn], Field(min_length=1)]


class LabelStored(BaseModel):
    id: str
    created: bool = Field(description="false when this was a replay of a stored label")


class LabelBatchStored(BaseModel):
    results: list[LabelStored]


class LabelOut(BaseModel):
    id: str
    text: str
    labels: list[str]
    source: str | None = None
    created_at: str
    seq: int


class LabelPage(BaseModel):
    labels: list[LabelOut]
    next: int | None = Field(description="pass as ?after= for the next page; null at the end")


class TermWeight(BaseModel):
    term: str = Field(description="the model's term: a stem, or two stems for a word pair")
    weight: float
    words: list[str] = Field(description="the words of the text that form the term")


class TagOut(BaseModel):
    label: str
    score: float = Field(ge=0.0, le=1.0)
    id: str | None = None
    explanation: list[TermWeight] | None = None
    subtopics: "list[TagOut] | None" = Field(
        None, description="at depth 2: the subtopics chosen under this tag, best first"
    )


class ParagraphOut(BaseModel):
    start: int = Field(ge=0, description="character offset of the paragraph in the tagged text")
    end: int = Field(ge=0)
    skipped: bool = Field(description="true for boilerplate: no topic, no vote in article tags")
    tags: list[TagOut]


class TagResponse(BaseModel):
    model: str = Field(description="version of the model that answered")
    language: str = Field(description='"en", or "other" for text that is not English')
    warning: str | None = Field(None, description="why no tags were given, when that is so")
    tags: list[TagOut] = Field(description="article-level tags, best first")
    paragraphs: list[ParagraphOut] | None = None
    text: str | None = Field(
        None, description="for html input: the extracted text the offsets index"
    )


class ErrorBody(BaseModel):
    error: str = Field(description="short machine-readable code")
    detail: str = Field(description="what is wrong, for people")


class BatchResult(BaseModel):
    id: DocumentId | None = None
    language: str | None = None
    warning: str | None = None
    tags: list[TagOut] | None = None
    paragraphs: list[ParagraphOut] | None = None
    text: str | None = None
    error: ErrorBody | None = None


class BatchResponse(BaseModel):
    model: str
    results: list[BatchResult]


class TopicOut(BaseModel):
    label: str
    id: str | None = None
    subtopics: "list[TopicOut] | None" = Field(
        None, description="the subtopics this model can tag under it"
    )


class ModelInfo(BaseModel):
    version: str
    created_at: str | None = None
    mode: str
    rollup: str
    depths: list[int] = Field(description="the depths this model can tag at")
    tags: list[TopicOut]
    metrics: dict[str, Any]
    warning: str | None = Field(None, description="why a newer model was refused, if one was")


class Status(BaseModel):
    status: str
    model: str | None = None
    detail: str | None = None


RESPONSE_MODELS: list[type[BaseModel]] = [
    LabelStored,
    LabelBatchStored,
    LabelPage,
    TagResponse,
    BatchResponse,
    BatchResult,
    ModelInfo,
    Status,
    ErrorBody,
]
REQUEST_MODELS: list[type[BaseModel]] = [
    TagRequest,
    BatchRequest,
    BatchDocument,
    LabelIn,
    LabelBatchRequest,
]
