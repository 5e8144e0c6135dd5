"""Create the stack's resources in moto from infra/resources.json (the template AWS deploys).

One source of truth: the table's keys and indexes, the queues and their dead-letter
queues, the bucket and the user pool come from the same CloudFormation resources that
`make package` merges into the deployed template. Intrinsics are resolved as
CloudFormation would (`Fn::Sub`, `Ref`, `Fn::GetAtt`, `Fn::Join`, pseudo parameters with
the stack name `awaaz-local`). Provisioning is idempotent: on a restored state each
resource is found by name and nothing is created twice; settings that can be
re-applied (queue attributes, bucket CORS/encryption/versioning/lifecycle, TTL) are re-applied.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("local.provision")

# The settings chalicelib/config.py reads, by the logical id whose `Ref` gives them.
# infra/functions.json (CommonEnvironment) is preferred when present; this is the fallback.
DEFAULT_ENVIRONMENT = {
    "TABLE_NAME": "Table",
    "INTAKE_QUEUE_URL": "IntakeQueue",
    "NOTIFICATIONS_QUEUE_URL": "NotificationsQueue",
    "DUE_QUEUE_URL": "DueQueue",
    "ATTACHMENTS_BUCKET": "AttachmentsBucket",
    "MODELS_BUCKET": "ModelsBucket",
    "ARCHIVE_BUCKET": "ArchiveBucket",
    "USER_POOL_ID": "UserPool",
    "USER_POOL_CLIENT_ID": "UserPoolClient",
    "STAFF_POOL_ID": "StaffPool",
    "STAFF_POOL_CLIENT_ID": "StaffPoolClient",
    "PII_SECRET_ARN": "PiiSecret",
}


class TemplateError(Exception):
    pass


@dataclass
class Physical:
    """What CloudFormation would know about a created resource."""

    ref: str
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Provisioned:
    resources: dict[str, Physical]
    environment: dict[str, str]
    created: list[str]
    found: list[str]
    skipped: list[str]


# --- intrinsics -----------------------------------------------------------------

_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


class Resolver:
    def __init__(self, pseudo: Mapping[str, str], parameters: Mapping[str, str]) -> None:
        self.pseudo = dict(pseudo)
        self.parameters = dict(parameters)
        self.resources: dict[str, Physical] = {}

    def ref(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.resources:
            return self.resources[name].ref
        raise TemplateError(f"Ref to unknown or not yet created {name!r}")

    def get_att(self, name: str, attribute: str) -> str:
        physical = self.resources.get(name)
        if physical is None:
            raise TemplateError(f"Fn::GetAtt on unknown or not yet created {name!r}")
        if attribute not in physical.attrs:
            raise TemplateError(f"{name} has no attribute {attribute!r} locally")
        return physical.attrs[attribute]

    def _sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name and not name.startswith("AWS::"):
                resource, attribute = name.split(".", 1)
                return self.get_att(resource, attribute)
            return self.ref(name)

        return _SUB.sub(replace, text).replace("${!", "${")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                resource, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(resource, attribute)
            if key == "Fn::Sub":
                if isinstance(arg, list):
                    return self._sub(arg[0], arg[1])
                return self._sub(arg, {})
            if key == "Fn::Join":
                separator, items = arg
                return separator.join(str(i) for i in self.resolve(items))
            if key == "Fn::Select":
                index, items = arg
                return self.resolve(items)[int(self.resolve(index))]
            if key.startswith("Fn::"):
                raise TemplateError(f"intrinsic {key} is not supported locally")
        return {k: self.resolve(v) for k, v in value.items()}


def dependencies(value: Any) -> set[str]:
    """Logical ids a property value refers to (Ref, GetAtt, ${X} and ${X.Attr} in Sub)."""
    found: set[str] = set()
    if isinstance(value, list):
        for v in value:
            found |= dependencies(v)
    elif isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif key == "Fn::GetAtt":
                found.add(arg[0] if isinstance(arg, list) else arg.split(".", 1)[0])
            elif key == "Fn::Sub":
                text = arg[0] if isinstance(arg, list) else arg
                names = {m.group(1).strip().split(".", 1)[0] for m in _SUB.finditer(text)}
                if isinstance(arg, list):
                    names -= set(arg[1])
                    found |= dependencies(arg[1])
                found |= names
            else:
                found |= dependencies(arg)
    return {name for name in found if not name.startswith("AWS::")}


def creation_order(resources: Mapping[str, Any]) -> list[str]:
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise TemplateError(f"circular reference through {name}")
        state[name] = "visiting"
        spec = resources[name]
        needs = dependencies(spec.get("Properties", {}))
        depends_on = spec.get("DependsOn", [])
        needs |= set([depends_on] if isinstance(depends_on, str) else depends_on)
        for other in sorted(needs):
            if other in resources:
                visit(other)
        state[name] = "done"
        order.append(name)

    for name in resources:
        visit(name)
    return order


# --- resource handlers ------------------------------------------------------------------


def _api_params(client: Any, operation: str, params: Mapping[str, Any], what: str) -> dict[str, Any]:
    """Keep only the parameters the API operation accepts (CloudFormation has a few more)."""
    members = client.meta.service_model.operation_model(operation).input_shape.members
    kept = {k: v for k, v in params.items() if k in members}
    dropped = sorted(set(params) - set(kept))
    if dropped:
        log.debug("%s: %s does not take %s; left out locally", what, operation, ", ".join(dropped))
    return kept


class Provisioner:
    def __init__(
        self,
        clients: Callable[[str], Any],
        resolver: Resolver,
        region: str,
        account_id: str,
        secret_strings: Mapping[str, str] | None = None,
    ) -> None:
        self.client = clients
        self.secret_strings = dict(secret_strings or {})
        self.resolver = resolver
        self.region = region
        self.account_id = account_id
        self.created: list[str] = []
        self.found: list[str] = []

    def _mark(self, logical_id: str, created: bool) -> None:
        (self.created if created else self.found).append(logical_id)

    # DynamoDB ---------------------------------------------------------------------------

    def table(self, logical_id: str, props: dict[str, Any]) -> Physical:
        ddb = self.client("dynamodb")
        name = props.get("TableName") or f"{self.resolver.pseudo['AWS::StackName']}-{logical_id}"
        try:
            description = ddb.describe_table(TableName=name)["Table"]
            self._mark(logical_id, created=False)
            self._add_missing_indexes(ddb, name, props, description)
        except ddb.exceptions.ResourceNotFoundException:
            params = dict(props)
            params["TableName"] = name
            if "SSESpecification" in params:
                sse = params.pop("SSESpecification")
                params["SSESpecification"] = {"Enabled": bool(sse.get("SSEEnabled"))} | {
                    k: v for k, v in sse.items() if k in ("SSEType", "KMSMasterKeyId")
                }
            if "StreamSpecification" in params:
                params["StreamSpecification"] = {"StreamEnabled": True, **params["StreamSpecification"]}
            if "Tags" in params:
                params["Tags"] = list(params["Tags"])
            description = ddb.create_table(**_api_params(ddb, "CreateTable", params, logical_id))["TableDescription"]
            self._mark(logical_id, created=True)
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            current = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
            if current.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
                ddb.update_time_to_live(
                    TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True}
                )
        pitr = props.get("PointInTimeRecoverySpecification")
        if pitr and pitr.get("PointInTimeRecoveryEnabled"):
            ddb.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )
        attrs = {"Arn": description["TableArn"]}
        if description.get("LatestStreamArn"):
            attrs["StreamArn"] = description["LatestStreamArn"]
        return Physical(ref=name, attrs=attrs)

    @staticmethod
    def _add_missing_indexes(ddb: Any, name: str, props: dict[str, Any], description: dict[str, Any]) -> None:
        """A table kept from an earlier run gets the indexes added since, one per UpdateTable as in AWS."""
        present = {i["IndexName"] for i in description.get("GlobalSecondaryIndexes", [])}
        definitions = props.get("AttributeDefinitions", [])
        for index in props.get("GlobalSecondaryIndexes", []):
            if index["IndexName"] in present:
                continue
            used = {k["AttributeName"] for k in index["KeySchema"]}
            ddb.update_table(
                TableName=name,
                AttributeDefinitions=[d for d in definitions if d["AttributeName"] in used],
                GlobalSecondaryIndexUpdates=[{"Create": index}],
            )

    # SQS -------------------------------------------------------------------------------

    _QUEUE_ATTRIBUTES = (
        "DelaySeconds",
        "MaximumMessageSize",
        "MessageRetentionPeriod",
        "ReceiveMessageWaitTimeSeconds",
        "VisibilityTimeout",
        "KmsMasterKeyId",
        "KmsDataKeyReusePeriodSeconds",
        "SqsManagedSseEnabled",
        "ContentBasedDeduplication",
        "DeduplicationScope",
        "FifoThroughputLimit",
        "RedrivePolicy",
        "RedriveAllowPolicy",
    )

    @staticmethod
    def _attribute(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict | list):
            return json.dumps(value)
        return str(value)

    def queue(self, logical_id: str, props: dict[str, Any]) -> Physical:
        sqs = self.client("sqs")
        fifo = bool(props.get("FifoQueue"))
        name = props.get("QueueName") or f"{self.resolver.pseudo['AWS::StackName']}-{logical_id}" + (
            ".fifo" if fifo else ""
        )
        attributes = {k: self._attribute(props[k]) for k in self._QUEUE_ATTRIBUTES if k in props}
        try:
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            if attributes:
                sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
            self._mark(logical_id, created=False)
        except sqs.exceptions.QueueDoesNotExist:
            if fifo:
                attributes["FifoQueue"] = "true"
            url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
            self._mark(logical_id, created=True)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return Physical(ref=url, attrs={"Arn": arn, "QueueName": name, "QueueUrl": url})

    # S3 --------------------------------------------------------------------------------

    def bucket(self, logical_id: str, props: dict[str, Any]) -> Physical:
        s3 = self.client("s3")
        name = props.get("BucketName") or f"{self.resolver.pseudo['AWS::StackName']}-{logical_id.lower()}"
        try:
            s3.head_bucket(Bucket=name)
            self._mark(logical_id, created=False)
        except s3.exceptions.ClientError:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region})
            self._mark(logical_id, created=True)
        cors = props.get("CorsConfiguration")
        if cors:
            rules = []
            for rule in cors.get("CorsRules", []):
                converted = {k: v for k, v in rule.items() if k not in ("MaxAge", "Id")}
                if "MaxAge" in rule:
                    converted["MaxAgeSeconds"] = int(rule["MaxAge"])
                if "Id" in rule:
                    converted["ID"] = rule["Id"]
                rules.append(converted)
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
        block = props.get("PublicAccessBlockConfiguration")
        if block:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)
        encryption = props.get("BucketEncryption")
        if encryption:
            rules = [
                {
                    ("ApplyServerSideEncryptionByDefault" if k == "ServerSideEncryptionByDefault" else k): v
                    for k, v in r.items()
                }
                for r in encryption["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        versioning = props.get("VersioningConfiguration")
        if versioning:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning["Status"]})
        lifecycle = props.get("LifecycleConfiguration")
        if lifecycle:
            rules = [self._lifecycle_rule(rule) for rule in lifecycle.get("Rules", [])]
            s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
        return Physical(
            ref=name,
            attrs={
                "Arn": f"arn:aws:s3:::{name}",
                "DomainName": f"{name}.s3.amazonaws.com",
                "RegionalDomainName": f"{name}.s3.{self.region}.amazonaws.com",
            },
        )

    @staticmethod
    def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
        """A CloudFormation lifecycle rule in the S3 API's shape (the kinds the template uses)."""
        converted: dict[str, Any] = {"Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
        if "Id" in rule:
            converted["ID"] = rule["Id"]
        if "NoncurrentVersionExpiration" in rule:
            converted["NoncurrentVersionExpiration"] = {
                "NoncurrentDays": int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
            }
        if "AbortIncompleteMultipartUpload" in rule:
            converted["AbortIncompleteMultipartUpload"] = {
                "DaysAfterInitiation": int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
            }
        expiration: dict[str, Any] = {}
        if "ExpirationInDays" in rule:
            expiration["Days"] = int(rule["ExpirationInDays"])
        if rule.get("ExpiredObjectDeleteMarker"):
            expiration["ExpiredObjectDeleteMarker"] = True
        if expiration:
            converted["Expiration"] = expiration
        return converted

    # Cognito ---------------------------------------------------------------------------

    def user_pool(self, logical_id: str, props: dict[str, Any]) -> Physical:
        idp = self.client("cognito-idp")
        name = props.get("UserPoolName") or f"{self.resolver.pseudo['AWS::StackName']}-{logical_id}"
        pool_id = None
        for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
            for pool in page["UserPools"]:
                if pool["Name"] == name:
                    pool_id = pool["Id"]
        if pool_id:
            self._mark(logical_id, created=False)
        else:
            params = {k: v for k, v in props.items() if k != "UserPoolName"}
            params["PoolName"] = name
            pool_id = idp.create_user_pool(**_api_params(idp, "CreateUserPool", params, logical_id))["UserPool"]["Id"]
            if "SOFTWARE_TOKEN_MFA" in props.get("EnabledMfas", []):
                # CloudFormation's EnabledMfas is a separate call in the API.
                idp.set_user_pool_mfa_config(
                    UserPoolId=pool_id,
                    SoftwareTokenMfaConfiguration={"Enabled": True},
                    MfaConfiguration=props.get("MfaConfiguration", "OPTIONAL"),
                )
            self._mark(logical_id, created=True)
        provider = f"cognito-idp.{self.region}.amazonaws.com/{pool_id}"
        return Physical(
            ref=pool_id,
            attrs={
                "Arn": f"arn:aws:cognito-idp:{self.region}:{self.account_id}:userpool/{pool_id}",
                "ProviderName": provider,
                "ProviderURL": f"https://{provider}",
                "UserPoolId": pool_id,
            },
        )

    def user_pool_client(self, logical_id: str, props: dict[str, Any]) -> Physical:
        idp = self.client("cognito-idp")
        pool_id = props["UserPoolId"]
        name = props.get("ClientName") or f"{self.resolver.pseudo['AWS::StackName']}-{logical_id}"
        client_id = None
        for page in idp.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id, MaxResults=60):
            for existing in page["UserPoolClients"]:
                if existing["ClientName"] == name:
                    client_id = existing["ClientId"]
        if client_id:
            self._mark(logical_id, created=False)
        else:
            params = dict(props, ClientName=name)
            created = idp.create_user_pool_client(**_api_params(idp, "CreateUserPoolClient", params, logical_id))
            client_id = created["UserPoolClient"]["ClientId"]
            self._mark(logical_id, created=True)
        return Physical(ref=client_id, attrs={"ClientId": client_id})

    def user_pool_group(self, logical_id: str, props: dict[str, Any]) -> Physical:
        idp = self.client("cognito-idp")
        name = props["GroupName"]
        try:
            idp.get_group(GroupName=name, UserPoolId=props["UserPoolId"])
            self._mark(logical_id, created=False)
        except idp.exceptions.ResourceNotFoundException:
            idp.create_group(**_api_params(idp, "CreateGroup", props, logical_id))
            self._mark(logical_id, created=True)
        return Physical(ref=name)

    def kms_key(self, logical_id: str, props: dict[str, Any]) -> Physical:
        """A customer-managed key, found again by a tag naming its logical id (KMS keys have no name)."""
        kms = self.client("kms")
        tag = {"TagKey": "awaaz:logical-id", "TagValue": logical_id}
        key_id = None
        for page in kms.get_paginator("list_keys").paginate():
            for key in page["Keys"]:
                if tag in kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", []):
                    key_id = key["KeyId"]
        if key_id:
            self._mark(logical_id, created=False)
        else:
            created = kms.create_key(Description=props.get("Description", logical_id), Tags=[tag])
            key_id = created["KeyMetadata"]["KeyId"]
            if props.get("EnableKeyRotation"):
                kms.enable_key_rotation(KeyId=key_id)
            self._mark(logical_id, created=True)
        return Physical(
            ref=key_id, attrs={"Arn": f"arn:aws:kms:{self.region}:{self.account_id}:key/{key_id}", "KeyId": key_id}
        )

    def secret(self, logical_id: str, props: dict[str, Any]) -> Physical:
        """A secret, its string generated as CloudFormation does (or given: `secret_strings`); an existing one
        keeps its value."""
        sm = self.client("secretsmanager")
        name = props.get("Name") or f"{self.resolver.pseudo['AWS::StackName']}-{logical_id}"
        try:
            arn = sm.describe_secret(SecretId=name)["ARN"]
            self._mark(logical_id, created=False)
        except sm.exceptions.ResourceNotFoundException:
            value = self.secret_strings.get(logical_id) or props.get("SecretString") or _generated(props)
            params = {"Name": name, "SecretString": value, "Description": props.get("Description", "")}
            if props.get("KmsKeyId"):
                params["KmsKeyId"] = props["KmsKeyId"]
            arn = sm.create_secret(**params)["ARN"]
            self._mark(logical_id, created=True)
        return Physical(ref=arn, attrs={"Id": arn})


def _generated(props: dict[str, Any]) -> str:
    """GenerateSecretString: a random string of PasswordLength (letters and digits when ExcludePunctuation),
    alone or set at GenerateStringKey of the SecretStringTemplate's JSON."""
    import secrets
    import string

    spec = props.get("GenerateSecretString", {})
    alphabet = (
        string.ascii_letters + string.digits + ("" if spec.get("ExcludePunctuation") else "!#$%&()*+,-.:;<=>?@[]^_{|}~")
    )
    text = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    if "SecretStringTemplate" not in spec:
        return text
    data = json.loads(spec["SecretStringTemplate"])
    data[spec["GenerateStringKey"]] = text
    return json.dumps(data)


HANDLERS: dict[str, Callable[[Provisioner, str, dict[str, Any]], Physical]] = {
    "AWS::DynamoDB::Table": Provisioner.table,
    "AWS::SQS::Queue": Provisioner.queue,
    "AWS::S3::Bucket": Provisioner.bucket,
    "AWS::Cognito::UserPool": Provisioner.user_pool,
    "AWS::Cognito::UserPoolClient": Provisioner.user_pool_client,
    "AWS::Cognito::UserPoolGroup": Provisioner.user_pool_group,
    "AWS::KMS::Key": Provisioner.kms_key,
    "AWS::SecretsManager::Secret": Provisioner.secret,
}


def _environment_map(functions_path: Path) -> dict[str, Any]:
    """Env var → intrinsic: the CommonEnvironment every deployed function gets, else the built-in map."""
    try:
        metadata = json.loads(functions_path.read_text())["Metadata"]["Awaaz::Build"]
        common = dict(metadata["CommonEnvironment"])
    except (OSError, ValueError, KeyError, TypeError):
        common = {}
    mapping: dict[str, Any] = {name: {"Ref": logical} for name, logical in DEFAULT_ENVIRONMENT.items()}
    mapping.update(common)
    return mapping


def provision(
    template_path: Path,
    clients: Callable[[str], Any],
    *,
    stack_name: str,
    region: str,
    account_id: str,
    parameters: Mapping[str, str] | None = None,
    functions_path: Path | None = None,
    secret_strings: Mapping[str, str] | None = None,
) -> Provisioned:
    """Create (or find) every supported resource of the template; return physical ids and the settings env."""
    template = json.loads(template_path.read_text())
    resources: dict[str, Any] = template.get("Resources", {})
    pseudo = {
        "AWS::StackName": stack_name,
        "AWS::AccountId": account_id,
        "AWS::Region": region,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::NoValue": "",
    }
    params = {name: str(spec["Default"]) for name, spec in template.get("Parameters", {}).items() if "Default" in spec}
    params.update(parameters or {})
    resolver = Resolver(pseudo, params)
    provisioner = Provisioner(clients, resolver, region, account_id, secret_strings)
    skipped: list[str] = []
    for logical_id in creation_order(resources):
        spec = resources[logical_id]
        handler = HANDLERS.get(spec.get("Type", ""))
        if handler is None:
            log.debug("skipping %s: resource type %s is not provisioned locally", logical_id, spec.get("Type"))
            skipped.append(logical_id)
            continue
        props = resolver.resolve(spec.get("Properties", {}))
        resolver.resources[logical_id] = handler(provisioner, logical_id, props)

    environment: dict[str, str] = {}
    for name, value in _environment_map(functions_path or template_path.with_name("functions.json")).items():
        try:
            environment[name] = str(resolver.resolve(value))
        except TemplateError as exc:
            log.debug("environment %s not set from the template: %s", name, exc)
    return Provisioned(
        resources=dict(resolver.resources),
        environment=environment,
        created=provisioner.created,
        found=provisioner.found,
        skipped=skipped,
    )
