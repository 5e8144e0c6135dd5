"""The PII keyring: versions, rotation that keeps every ciphertext readable and every lookup working."""

from __future__ import annotations

import base64
import json

import boto3
import pytest
from moto import mock_aws

from chalicelib.integrations.secrets import SecretsKeyring
from chalicelib.logic import pii
from chalicelib.logic.pii import Keyring
from infra.rotate_pii_key import rotate, rotated

KEY = base64.b64encode(bytes(range(32))).decode()
GENERATED = "A1b2C3d4" * 8  # as Secrets Manager generates it: 64 letters and digits


def test_a_generated_string_and_a_base64_key_both_make_32_byte_keys() -> None:
    ring = Keyring.parse(json.dumps({"current": "1", "hash": "1", "1": GENERATED, "2": KEY}))
    assert len(ring.keys["1"]) == 32 and ring.keys["2"] == bytes(range(32))
    for bad in (
        {"current": "3", "1": GENERATED},
        {"current": "1", "hash": "2", "1": GENERATED},
        {"current": "1", "1": "short"},
    ):
        with pytest.raises(ValueError):
            Keyring.parse(json.dumps(bad))


def test_after_a_rotation_old_and_new_ciphertexts_open_and_the_lookups_are_unchanged() -> None:
    before = Keyring.parse(json.dumps({"current": "1", "hash": "1", "1": GENERATED}))
    old = pii.encrypt("+923001234567", before)
    digest, cnic = pii.username_digest("+923001234567", before), pii.cnic_hash("3520212345671", before)
    after = Keyring.parse(rotated(json.dumps({"current": "1", "hash": "1", "1": GENERATED})))
    assert after.current == "2" and after.hashing == "1" and after.keys["1"] == before.keys["1"]
    new = pii.encrypt("+923007654321", after)
    assert old.startswith("v1:") and new.startswith("v2:")
    assert pii.decrypt(old, after) == "+923001234567" and pii.decrypt(new, after) == "+923007654321"
    assert pii.username_digest("+923001234567", after) == digest and pii.cnic_hash("3520212345671", after) == cnic
    # Twice more: still every version, the hashing key still the first
    twice = Keyring.parse(rotated(rotated(rotated(json.dumps({"current": "1", "1": GENERATED})))))
    assert sorted(twice.keys) == ["1", "2", "3", "4"] and twice.current == "4" and twice.hashing == "1"
    assert pii.decrypt(old, twice) == "+923001234567"


def test_ciphertexts_from_before_versions_open_with_the_first_key() -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    first = bytes(range(32))
    nonce = bytes(12)
    legacy = base64.b64encode(nonce + AESGCM(pii._derive(first, b"pii-encrypt")).encrypt(nonce, b"old", None)).decode()
    ring = Keyring.parse(rotated(json.dumps({"current": "1", "hash": "1", "1": base64.b64encode(first).decode()})))
    assert pii.decrypt(legacy, ring) == "old"


@mock_aws
def test_the_functions_read_the_keyring_from_secrets_manager_and_see_a_rotation_once_they_read_again() -> None:
    kms = boto3.client("kms", region_name="ap-south-1")
    sm = boto3.client("secretsmanager", region_name="ap-south-1")
    key_id = kms.create_key(Description="pii")["KeyMetadata"]["KeyId"]
    arn = sm.create_secret(
        Name="awaaz-pii-keys", KmsKeyId=key_id, SecretString=json.dumps({"current": "1", "hash": "1", "1": GENERATED})
    )["ARN"]
    keys = SecretsKeyring(lambda: sm, arn)
    sealed = pii.encrypt("someone@example.pk", keys())
    assert rotate(sm, arn) == "2"
    assert keys().current == "1"  # kept for MAX_AGE_SECONDS in a warm container
    keys.forget()
    assert keys().current == "2" and pii.decrypt(sealed, keys()) == "someone@example.pk"
