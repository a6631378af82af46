"""The feed: imported posts, newest first, with the comments (and their replies) they carry."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from xxai.search.comments import MAX_COMMENTS, comment_text, pick, stored_lang
from xxai.search.store import PostStore

__all__ = ["Comment", "FeedPage", "FeedPost", "comment_texts", "feed_page", "safe_url"]


@dataclass
class Comment:
    """A comment under a post, as the feed shows it."""

    author: str
    text: str
    lang: str
    replies: list[Comment] = field(default_factory=list)


@dataclass
class FeedPost:
    """A post as the feed shows it."""

    pk: int
    id: str
    source: str
    title: str
    text: str
    author: str
    created_at: str
    url: str
    lang: str
    tags: list[str]
    comments: list[Comment] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)  # kind, label, src

    def to_json(self) -> dict[str, Any]:
        """Return the post as ``/api/v1/posts`` lists it."""
        return asdict(self)


@dataclass
class FeedPage:
    """One page of the feed."""

    total: int
    offset: int
    posts: list[FeedPost]

    def to_json(self) -> dict[str, Any]:
        """Return the page as ``/api/v1/posts`` answers it."""
        return {
            "total": self.total,
            "offset": self.offset,
            "posts": [p.to_json() for p in self.posts],
        }


def safe_url(url: str) -> str:
    """Return the URL when it is http(s), else an empty string (no javascript: links)."""
    low = url.strip().lower()
    return url.strip() if low.startswith(("http://", "https://")) else ""


def comments(raw: dict[str, Any], limit: int = MAX_COMMENTS) -> list[Comment]:
    """Read the comments an export carries in a post's record (RedNote, generic shapes).

    Their languages were detected at import and stored on each comment
    (:func:`xxai.search.comments.annotate_comments`): showing a feed runs no detector.
    """
    count = 0

    def walk(items: Any, depth: int, into: list[Comment]) -> None:
        nonlocal count
        if not isinstance(items, list):
            return
        for item in items:
            if count >= limit:
                return
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, dict):
                continue
            text = comment_text(item)
            author = pick(item, "nickname", "user.nickname", "author", "user.name", "user")
            comment = Comment(author, text, stored_lang(item) if text else "und")
            if text:
                count += 1
                into.append(comment)
            if depth < 2:
                # Replies go under their comment (or stay at this level if it had no text).
                target = comment.replies if text else into
                walk(item.get("sub_comments") or item.get("replies"), depth + 1, target)

    found: list[Comment] = []
    walk(raw.get("comments") or raw.get("comment_list"), 0, found)
    return found


def images(pk: int, raw: dict[str, Any]) -> list[dict[str, str]]:
    """Return the images a post's record carries, each with the API path that serves it."""
    from xxai.images.media import image_refs

    return [
        {"kind": ref.kind, "label": ref.label, "src": f"/api/v1/posts/{pk}/images/{i}"}
        for i, ref in enumerate(image_refs(raw))
    ]


def comment_texts(raw: Any, limit: int = 50) -> list[str]:
    """Return the texts of the comments and replies a post's record carries (for search)."""
    if not isinstance(raw, dict):
        return []
    found = comments(raw, limit)
    out: list[str] = []
    stack = list(reversed(found))
    while stack:
        comment = stack.pop()
        out.append(comment.text)
        stack.extend(reversed(comment.replies))
    return out


def feed_page(store: PostStore, offset: int, limit: int) -> FeedPage:
    """Return imported posts, newest import first, with the comments their records hold."""
    total = store.count()
    # Past the end is an empty page; clamping also keeps the number inside SQLite's range.
    offset = min(max(0, offset), total)
    pks = store.recent_pks(limit, offset)
    by_pk = store.posts(pks)
    posts = []
    for pk in pks:
        post = by_pk.get(pk)
        if post is None:
            continue
        posts.append(
            FeedPost(
                pk=pk,
                id=str(post.id),
                source=str(post.source),
                title=str(post.title),
                text=str(post.text),
                author=str(post.author),
                created_at=str(post.created_at),
                url=safe_url(str(post.url)),
                lang=str(post.lang),
                tags=[str(t) for t in post.tags],
                comments=comments(post.raw if isinstance(post.raw, dict) else {}),
                images=images(pk, post.raw if isinstance(post.raw, dict) else {}),
            )
        )
    return FeedPage(total, offset, posts)
