"""Request and response models of the review queue (/v1/queue), beside service/schemas.py."""

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from service.schemas import DocumentId, Documents, ErrorBody, StrictModel, TagOut, _optional


class QueueRequest(StrictModel):
    """POST /v1/queue: documents as /v1/tag/batch takes them; a bad one gets its own entry."""

    documents: Documents
    source: Annotated[str, StringConstraints(max_length=200)] = _optional("who or what queued them")


class QueueAdded(BaseModel):
    id: DocumentId | None = None
    queue_id: str | None = Field(None, description="the id the queue keeps the text under")
    added: bool | None = Field(
        None, description="false when the text was already queued or reviewed (a replay)"
    )
    error: ErrorBody | None = None


class QueueAddedResponse(BaseModel):
    results: list[QueueAdded]


class QueueItemOut(BaseModel):
    id: str
    text: str
    source: str | None = None
    added_at: str
    margin: float = Field(
        description="min(|best score - its threshold|, best - second best); smallest first"
    )
    tags: list[TagOut]


class QueuePage(BaseModel):
    model: str = Field(description="the model whose scores ordered the queue")
    waiting: int = Field(description="items waiting for review in all")
    items: list[QueueItemOut]


REQUEST_MODELS: list[type[BaseModel]] = [QueueRequest]
RESPONSE_MODELS: list[type[BaseModel]] = [QueueAddedResponse, QueueAdded, QueuePage]
