"""The audit chain's JSON is fixed by the hashes already stored: its bytes never change.

The two values below were computed by the chain's code before its helpers were renamed
(``_canonical``/``canonical_digest``, now :func:`~gobetween.store.audit.sorted_json` and
:func:`~gobetween.store.audit.change_digest`); a database written then must still verify.
"""

from __future__ import annotations

import datetime as dt

from gobetween.agreements.terms import canonical_bytes
from gobetween.store import audit
from gobetween.store.tables import AuditEntry

#: Text that NFC would change (e + combining acute), a float, a time and a list.
CHANGE = {
    "text": "Ще раз: e\u0301",
    "price": 1.0,
    "at": dt.datetime(2022, 7, 22, tzinfo=dt.UTC),
    "ids": [3, 1],
}
DIGEST = "525e75e0fdef0d0a9e51a827b2bf59b573406b989520080abe7c2076000f67f2"
LINK = "120ed0bed9d0002907d1e29e329cee6ccb7ed2ad27f3c4a1db7f6961d5a96793"


def test_a_change_digest_is_the_one_stored_before() -> None:
    assert audit.change_digest(CHANGE) == DIGEST


def test_a_link_hash_is_the_one_stored_before() -> None:
    entry = AuditEntry(
        seq=1,
        at="2022-07-22T00:00:00.000000+00:00",
        actor_id=7,
        action="message.post",
        object_type="message",
        object_id="42",
        digest=DIGEST,
        prev_hash=audit.GENESIS,
    )
    assert audit.link_hash(entry) == LINK


def test_the_chain_json_is_not_the_agreements_canonical_json() -> None:
    """Why there are two: RFC 8785 normalises text and writes 1.0 as 1; the chain keeps the
    bytes as written, so a message's digest covers exactly what was posted."""
    plain = {"text": "e\u0301", "price": 1.0}
    assert audit.sorted_json(plain) == '{"price":1.0,"text":"e\u0301"}'.encode()
    assert canonical_bytes(plain) == '{"price":1,"text":"\u00e9"}'.encode()
