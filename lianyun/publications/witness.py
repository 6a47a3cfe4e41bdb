"""A witness: another body's view of the record from outside.

The county People's Congress office or a newspaper runs `lianyun witness URL --state FILE` on its
own machine, say hourly. Each run fetches the site's latest checkpoint, checks the county's
signature against the keys it pinned on its first run, and checks that the checkpoint extends
the last one it accepted (an RFC 9162 consistency proof fetched from the site). Then it
co-signs the checkpoint and hands the co-signature to the site, which shows it beside the
checkpoint. A smaller or different checkpoint (a rollback, a fork, an old checkpoint replayed)
is refused, never co-signed, and kept in the state file with both signed checkpoints as evidence.

Needs nothing of the site's database or keys: only the URL and its own state file.
"""

import base64
import datetime
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from lianyun.core import merkle
from lianyun.publications.signing import cosign_message, message

MAX_ANSWER = 1 << 20  # a checkpoint or a proof is a few kilobytes


class Transport(Protocol):
    def get(self, path: str) -> Any: ...  # parsed JSON

    def post(self, path: str, body: dict[str, Any]) -> int: ...  # the status


def fetch_text(url: str, timeout: float = 30) -> str:
    """GET a URL (http or https only) and return its text, at most MAX_ANSWER bytes."""
    if not url.startswith(("http://", "https://")):
        raise ValueError("only http and https addresses")
    with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - scheme checked
        return bytes(answer.read(MAX_ANSWER)).decode("utf-8")


class HttpTransport:
    def __init__(self, site: str) -> None:
        if not site.startswith(("http://", "https://")):
            raise ValueError("the site must be an http or https address")
        self.site = site.rstrip("/")

    def get(self, path: str) -> Any:
        return json.loads(fetch_text(self.site + path))

    def post(self, path: str, body: dict[str, Any]) -> int:
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.site + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    message: str
    public_key: str = ""  # on the first run: what the site must configure for this witness


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def public_key_of(seed: str) -> str:
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))
    return _b64(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def _county_signed(checkpoint: dict[str, Any], keys: dict[str, str]) -> bool:
    public = keys.get(str(checkpoint.get("key_id")))
    if public is None or not isinstance(checkpoint.get("signature"), str):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public)).verify(
            base64.b64decode(checkpoint["signature"]),
            message(checkpoint["size"], checkpoint["root"], checkpoint["at"]),
        )
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True


def _well_formed(checkpoint: Any) -> bool:
    return (
        isinstance(checkpoint, dict)
        and isinstance(checkpoint.get("size"), int)
        and checkpoint["size"] >= 1
        and isinstance(checkpoint.get("root"), str)
        and len(checkpoint["root"]) == 64
        and isinstance(checkpoint.get("at"), str)
    )


class Witness:
    def __init__(
        self,
        state_path: Path,
        transport: Transport,
        now: Callable[[], datetime.datetime] | None = None,
    ) -> None:
        self.path = state_path
        self.transport = transport
        self.now = now or (lambda: datetime.datetime.now(datetime.UTC))

    def _load(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        state: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        return state

    def _save(self, state: dict[str, Any]) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
        os.chmod(temporary, 0o600)  # it holds the witness's signing key
        temporary.replace(self.path)

    def _begin(self, name: str) -> dict[str, Any]:
        """First run: a new signing key, and the county's public keys pinned as they are now."""
        keys = self.transport.get("/publications/keys.json")
        if not isinstance(keys, dict) or not isinstance(keys.get("keys"), dict):
            raise ValueError("the site's keys.json is not what a lianyun site serves")
        seed = _b64(Ed25519PrivateKey.generate().private_bytes_raw())
        return {"name": name, "seed": seed, "keys": keys["keys"], "latest": None, "alarms": []}

    def run(self, name: str = "") -> Outcome:
        state = self._load()
        first = state is None
        if state is None:
            if not name:
                return Outcome(False, "第一次运行需给出 --name / the first run needs --name")
            state = self._begin(name)
        outcome = self._check(state)
        self._save(state)
        if first:
            return Outcome(outcome.accepted, outcome.message, public_key_of(state["seed"]))
        return outcome

    def _alarm(self, state: dict[str, Any], reason: str, shown: Any) -> Outcome:
        state["alarms"].append(
            {
                "at": self.now().isoformat(timespec="seconds"),
                "reason": reason,
                "accepted": state["latest"],
                "shown": shown,
            }
        )
        return Outcome(False, reason)

    def _check(self, state: dict[str, Any]) -> Outcome:
        shown = self.transport.get("/publications/checkpoint.json")
        if not _well_formed(shown):
            return self._alarm(
                state, "站点给出的检查点格式不对 / the checkpoint is malformed", shown
            )
        shown = {k: shown[k] for k in ("size", "root", "at", "key_id", "signature")}
        if not _county_signed(shown, state["keys"]):
            return self._alarm(
                state,
                "检查点签名无效或密钥未知 / the checkpoint's signature does not verify with the "
                "county keys pinned at the first run",
                shown,
            )
        latest = state["latest"]
        if latest is not None:
            problem = self._extends(latest, shown)
            if problem:
                return self._alarm(state, problem, shown)
        signed_at = self.now().astimezone(datetime.UTC).isoformat(timespec="seconds")
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(state["seed"]))
        signature = key.sign(
            cosign_message(state["name"], signed_at, shown["size"], shown["root"], shown["at"])
        )
        state["latest"] = shown
        status = self.transport.post(
            "/publications/cosign/",
            {
                "witness": state["name"],
                "size": shown["size"],
                "signed_at": signed_at,
                "signature": _b64(signature),
            },
        )
        handed = "" if status == 201 else f"; the site refused the co-signature ({status})"
        return Outcome(
            True, f"检查点 {shown['size']} 已见证 / checkpoint {shown['size']} witnessed{handed}"
        )

    def _extends(self, latest: dict[str, Any], shown: dict[str, Any]) -> str:
        """Why `shown` does not extend `latest`, or "" when it does."""
        old, new = latest["size"], shown["size"]
        if new < old:
            return (
                f"回滚：站点现有 {new} 条，已见证过 {old} 条 / rollback: the site shows {new} "
                f"entries after showing {old}"
            )
        if new == old:
            if shown["root"] != latest["root"]:
                return f"分叉 / fork: two different roots for {new} entries"
            return ""
        answer = self.transport.get(f"/publications/consistency/?first={old}&second={new}")
        try:
            proof = [bytes.fromhex(p) for p in answer["proof"]]
        except (KeyError, TypeError, ValueError):
            proof = []
        if not merkle.verify_consistency(
            old, new, bytes.fromhex(latest["root"]), bytes.fromhex(shown["root"]), proof
        ):
            return (
                f"不一致：{new} 条的记录不是 {old} 条的延续 / inconsistent: the record of {new} "
                f"entries does not extend the one of {old}"
            )
        return ""
