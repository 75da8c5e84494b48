"""template.yaml against what it must agree with: the lake schemas, the API routes, infra/ and the contract
the handlers are written to (functions, triggers, environment, least-privilege policies)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml

from listening_post.analysis.weekly import SIDES_SCHEMA, TOPICS_SCHEMA
from listening_post.model import FILE_SCHEMA
from listening_post.web.api import create_app, openapi_document

ROOT = Path(__file__).resolve().parents[2]


class _CfnLoader(yaml.SafeLoader):
    """CloudFormation's short tags (!Ref X, !Sub s) read as their long form ({"Ref": X}, {"Fn::Sub": s})."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_CfnLoader.add_multi_constructor("!", _tag)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return yaml.load((ROOT / "template.yaml").read_text(encoding="utf-8"), Loader=_CfnLoader)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"]  # type: ignore[no-any-return]


# --- copies of infra/ files -------------------------------------------------------------------------------


def test_dashboard_body_is_infra_dashboard_json(resources: dict[str, Any]) -> None:
    body = resources["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    source = (ROOT / "infra" / "dashboard.json").read_text(encoding="utf-8")
    assert body == source, (
        "template.yaml's DashboardBody differs from infra/dashboard.json: run scripts/sync_template.py"
    )
    dashboard = json.loads(source)
    placeholders = set(re.findall(r"\$\{([^}!]+)\}", source))
    known = set(resources) | {"AWS::Region", "AWS::StackName"}
    assert {p.split(".")[0] for p in placeholders} <= known, "the dashboard names a resource the template lacks"
    alarms = {k for k, v in resources.items() if v["Type"] == "AWS::CloudWatch::Alarm"}
    alarm_widget = next(w for w in dashboard["widgets"] if w["type"] == "alarm")
    assert {a.removeprefix("${").removesuffix(".Arn}") for a in alarm_widget["properties"]["alarms"]} == alarms


@pytest.mark.parametrize(
    ("resource", "path"),
    [
        ("WeeklyToneByCountryView", "infra/athena/weekly_tone_by_country.sql"),
        ("WeeklyToneByTopicView", "infra/athena/weekly_tone_by_topic.sql"),
        ("PostsLatestView", "infra/athena/posts_latest.sql"),
    ],
)
def test_named_queries_are_the_view_files(resources: dict[str, Any], resource: str, path: str) -> None:
    query = resources[resource]["Properties"]["QueryString"]
    assert query == (ROOT / path).read_text(encoding="utf-8"), f"run scripts/sync_template.py ({path})"
    assert f"CREATE OR REPLACE VIEW {Path(path).stem} AS" in query


# --- catalogue against the lake schemas --------------------------------------------------------------------


def _hive_type(t: pa.DataType) -> str:
    if pa.types.is_string(t):
        return "string"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_int64(t):
        return "bigint"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_float64(t):
        return "double"
    if pa.types.is_list(t):
        return f"array<{_hive_type(t.value_type)}>"
    if pa.types.is_map(t):
        return f"map<{_hive_type(t.key_type)},{_hive_type(t.item_type)}>"
    raise AssertionError(f"no Hive type for {t}")


def _glue_columns(resource: dict[str, Any]) -> list[tuple[str, str]]:
    columns = resource["Properties"]["TableInput"]["StorageDescriptor"]["Columns"]
    return [(c["Name"], c["Type"]) for c in columns]


def _ddl_columns(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    text = path.read_text(encoding="utf-8")
    body = text[text.index("(") : text.index("PARTITIONED BY")]
    partitions = text[text.index("PARTITIONED BY") : text.index("STORED AS")]
    pattern = re.compile(r"`(\w+)` (\w+(?:<[\w<>,]+>)?)")
    return pattern.findall(body), pattern.findall(partitions)


def test_posts_table_is_schema_v1_without_partition_keys(resources: dict[str, Any]) -> None:
    table = resources["PostsTable"]
    expected = [(f.name, _hive_type(f.type)) for f in FILE_SCHEMA]
    assert _glue_columns(table) == expected
    keys = [(k["Name"], k["Type"]) for k in table["Properties"]["TableInput"]["PartitionKeys"]]
    assert keys == [("country", "string"), ("dt", "string")]
    params = table["Properties"]["TableInput"]["Parameters"]
    assert params["projection.enabled"] == "true"
    assert params["projection.country.type"] == "enum" and params["projection.country.values"] == {"Ref": "Countries"}
    assert (params["projection.dt.type"], params["projection.dt.format"]) == ("date", "yyyy-MM-dd")
    assert params["projection.dt.range"] == "2020-01-01,NOW"
    assert params["storage.location.template"] == {"Fn::Sub": "s3://${DataBucket}/posts/country=${!country}/dt=${!dt}"}
    columns, partitions = _ddl_columns(ROOT / "infra" / "athena" / "posts.sql")
    assert columns == expected and partitions == keys


def test_weekly_topics_table_is_topics_schema(resources: dict[str, Any]) -> None:
    table = resources["WeeklyTopicsTable"]
    expected = [(f.name, _hive_type(f.type)) for f in TOPICS_SCHEMA]
    assert _glue_columns(table) == expected
    keys = [(k["Name"], k["Type"]) for k in table["Properties"]["TableInput"]["PartitionKeys"]]
    assert keys == [("country", "string"), ("week", "string")]
    assert "projection.enabled" not in table["Properties"]["TableInput"]["Parameters"]
    columns, partitions = _ddl_columns(ROOT / "infra" / "athena" / "weekly_topics.sql")
    assert columns == expected and partitions == keys


def test_weekly_sides_table_is_sides_schema(resources: dict[str, Any]) -> None:
    table = resources["WeeklySidesTable"]
    expected = [(f.name, _hive_type(f.type)) for f in SIDES_SCHEMA]
    assert _glue_columns(table) == expected
    keys = [(k["Name"], k["Type"]) for k in table["Properties"]["TableInput"]["PartitionKeys"]]
    assert keys == [("country", "string"), ("week", "string")]
    assert table["Properties"]["TableInput"]["StorageDescriptor"]["Location"] == {
        "Fn::Sub": "s3://${DataBucket}/weekly_sides/"
    }
    columns, partitions = _ddl_columns(ROOT / "infra" / "athena" / "weekly_sides.sql")
    assert columns == expected and partitions == keys
    brief = resources["BriefFunction"]["Properties"]
    assert brief["Environment"]["Variables"]["LISTENING_POST_WEEKLY_SIDES_TABLE"] == {"Ref": "WeeklySidesTable"}


def test_weekly_storylines_table_is_storylines_schema(resources: dict[str, Any]) -> None:
    from listening_post.analysis.storylines import STORYLINES_SCHEMA

    table = resources["WeeklyStorylinesTable"]
    expected = [(f.name, _hive_type(f.type)) for f in STORYLINES_SCHEMA]
    assert _glue_columns(table) == expected
    keys = [(k["Name"], k["Type"]) for k in table["Properties"]["TableInput"]["PartitionKeys"]]
    assert keys == [("country", "string"), ("week", "string")]
    # Not under a weekly_topics partition (weekly/country=CC/week=W/), whose table would read its files.
    location = table["Properties"]["TableInput"]["StorageDescriptor"]["Location"]
    assert location == {"Fn::Sub": "s3://${DataBucket}/weekly/storylines/"}
    columns, partitions = _ddl_columns(ROOT / "infra" / "athena" / "weekly_storylines.sql")
    assert columns == expected and partitions == keys


def test_weekly_amplification_table_is_the_amplification_dataset(resources: dict[str, Any]) -> None:
    from listening_post.analysis.amplification import DATASET_SCHEMA

    table = resources["WeeklyAmplificationTable"]
    expected = [(f.name, _hive_type(f.type)) for f in DATASET_SCHEMA]
    assert _glue_columns(table) == expected
    keys = [(k["Name"], k["Type"]) for k in table["Properties"]["TableInput"]["PartitionKeys"]]
    assert keys == [("country", "string"), ("week", "string")]
    location = table["Properties"]["TableInput"]["StorageDescriptor"]["Location"]
    assert location == {"Fn::Sub": "s3://${DataBucket}/weekly/amplification/"}
    columns, partitions = _ddl_columns(ROOT / "infra" / "athena" / "weekly_amplification.sql")
    assert columns == expected and partitions == keys
    brief = resources["BriefFunction"]["Properties"]
    assert brief["Environment"]["Variables"]["LISTENING_POST_AMPLIFICATION_TABLE"] == {
        "Ref": "WeeklyAmplificationTable"
    }
    register = next(
        s
        for s in brief["Policies"][1]["Statement"]
        if isinstance(s, dict) and s.get("Sid") == "RegisterWeeklyTopicsPartitions"
    )
    assert {
        "Fn::Sub": "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/${GlueDatabase}/"
        "${WeeklyAmplificationTable}"
    } in register["Resource"]


# --- API routes against the library's API ------------------------------------------------------------------


def test_api_routes_are_the_library_routes(resources: dict[str, Any]) -> None:
    document = openapi_document(create_app(store=object()))  # type: ignore[arg-type]
    library = {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item}
    routes = {r["Properties"]["RouteKey"] for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Route"}
    assert routes == library
    for route in (r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Route"):
        props = route["Properties"]
        assert props["AuthorizationType"] == {"Fn::If": ["UseJwt", "JWT", "AWS_IAM"]}
        assert props["AuthorizerId"] == {"Fn::If": ["UseJwt", {"Ref": "HttpApiJwtAuthorizer"}, {"Ref": "AWS::NoValue"}]}


# --- the handlers' contract --------------------------------------------------------------------------------

CONTRACT = {
    # function: (code, timeout s, memory MB, layers, environment beyond Globals)
    "PlanFunction": (
        "functions/plan/",
        60,
        256,
        ["CoreLayer"],
        {"LISTENING_POST_STATE_TABLE", "LISTENING_POST_JOBS_QUEUE_URL"},
    ),
    "CollectFunction": (
        "functions/collect/",
        300,
        1024,
        ["CoreLayer", "CollectLayer", "ArrowLayer"],
        {"LISTENING_POST_STATE_TABLE", "LISTENING_POST_AUTHOR_KEY_SECRET"},
    ),
    "BriefFunction": (
        "functions/brief/",
        900,
        3008,
        ["CoreLayer", "ArrowLayer", "DuckDBLayer"],
        {
            "LISTENING_POST_BRIEF_SENDER",
            "LISTENING_POST_BRIEF_RECIPIENTS",
            "LISTENING_POST_GLUE_DATABASE",
            "LISTENING_POST_WEEKLY_TABLE",
            "LISTENING_POST_WEEKLY_SIDES_TABLE",
            "LISTENING_POST_STORYLINES_TABLE",
            "LISTENING_POST_AMPLIFICATION_TABLE",
        },
    ),
    "ApiFunction": ("functions/api/", 10, 512, ["CoreLayer", "DuckDBLayer"], {"LISTENING_POST_DATA_BUCKET"}),
    "CompactFunction": ("functions/compact/", 900, 3008, ["CoreLayer", "ArrowLayer"], {"LISTENING_POST_STATE_TABLE"}),
    "AlertFunction": (
        "functions/alert/",
        300,
        1024,
        ["CoreLayer", "ArrowLayer", "DuckDBLayer"],
        {"LISTENING_POST_STATE_TABLE"},
    ),
}


def test_globals(template: dict[str, Any]) -> None:
    function = template["Globals"]["Function"]
    assert (function["Runtime"], function["Architectures"], function["Handler"]) == (
        "python3.13",
        ["arm64"],
        "app.lambda_handler",
    )
    assert function["Tracing"] == "Active"
    variables = function["Environment"]["Variables"]
    assert variables["POWERTOOLS_SERVICE_NAME"] == "listening-post"
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "ListeningPost"
    assert variables["POWERTOOLS_LOG_LEVEL"] == {"Ref": "LogLevel"}
    assert variables["LISTENING_POST_LAKE"] == {"Fn::Sub": "s3://${DataBucket}"}
    assert "LISTENING_POST_CONFIG_LOCATION" in variables


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_function_matches_the_contract(resources: dict[str, Any], name: str) -> None:
    code, timeout, memory, layers, environment = CONTRACT[name]
    props = resources[name]["Properties"]
    assert (props["CodeUri"], props["Timeout"], props["MemorySize"]) == (code, timeout, memory)
    assert [layer["Ref"] for layer in props["Layers"]] == layers
    assert set(props.get("Environment", {}).get("Variables", {})) == environment
    assert (ROOT / code / "app.py").exists()


def test_triggers(resources: dict[str, Any]) -> None:
    def schedule(name: str) -> Any:
        (event,) = resources[name]["Properties"]["Events"].values()
        assert event["Type"] == "ScheduleV2"
        return event["Properties"]["ScheduleExpression"]

    assert schedule("PlanFunction") == {"Ref": "CollectSchedule"}
    assert schedule("BriefFunction") == {"Ref": "BriefSchedule"}
    assert schedule("CompactFunction") == "cron(30 3 * * ? *)"
    trigger = resources["CollectJobsTrigger"]["Properties"]
    assert trigger["EventSourceArn"] == {"Fn::GetAtt": "JobsQueue.Arn"}
    assert (trigger["BatchSize"], trigger["FunctionResponseTypes"]) == (5, ["ReportBatchItemFailures"])
    queue = resources["JobsQueue"]["Properties"]
    assert queue["VisibilityTimeout"] > CONTRACT["CollectFunction"][1]
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 3
    assert "RedriveAllowPolicy" in resources["JobsDeadLetterQueue"]["Properties"]


def _statements(resource: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for policy in resource["Properties"].get("Policies", []):
        if isinstance(policy, dict) and "Statement" in policy:
            for statement in policy["Statement"]:
                if "Fn::If" in statement:  # a conditional statement: check its "true" branch
                    statement = statement["Fn::If"][1]
                out.append(statement)
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# Services whose actions take no resource-level permissions: "*" is the only resource they accept.
NO_RESOURCE_LEVEL = {"comprehend:BatchDetectSentiment", "translate:TranslateText"}


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_least_privilege(resources: dict[str, Any], name: str) -> None:
    statements = _statements(resources[name])
    assert statements, f"{name} has no policy of its own"
    for statement in statements:
        actions = _as_list(statement["Action"])
        assert statement["Effect"] == "Allow"
        assert all("*" not in a for a in actions), f"{name}: wildcard action in {actions}"
        for resource in _as_list(statement["Resource"]):
            if resource == "*":
                assert set(actions) <= NO_RESOURCE_LEVEL, f"{name}: {actions} on every resource"
    s3_writes = {a for s in statements for a in _as_list(s["Action"]) if a in ("s3:PutObject", "s3:DeleteObject")}
    if name in ("PlanFunction", "ApiFunction"):
        assert not s3_writes, f"{name} must not write to the lake"
    if name != "CompactFunction":
        assert "s3:DeleteObject" not in s3_writes, f"{name} must not delete from the lake"


def test_every_s3_listing_is_limited_to_prefixes(resources: dict[str, Any]) -> None:
    for name in CONTRACT:
        for statement in _statements(resources[name]):
            if "s3:ListBucket" in _as_list(statement["Action"]):
                prefixes = _as_list(statement["Condition"]["StringLike"]["s3:prefix"])
                assert prefixes and all(p.endswith("/*") and p != "/*" for p in prefixes)


def test_api_reads_only_briefs_and_the_evidence(resources: dict[str, Any]) -> None:
    """Briefs, and for the evidence route a week's posts and their readers' links: read only, nothing else."""
    statements = _statements(resources["ApiFunction"])
    objects = [r for s in statements if s["Action"] == "s3:GetObject" for r in _as_list(s["Resource"])]
    assert objects == [{"Fn::Sub": f"${{DataBucket.Arn}}/{p}/*"} for p in ("briefs", "posts", "links", "alerts")]
    listed = [
        p
        for s in statements
        if s["Action"] == "s3:ListBucket"
        for p in _as_list(s["Condition"]["StringLike"]["s3:prefix"])
    ]
    assert listed == ["briefs/*", "posts/*", "links/*", "alerts/*"]


def test_bucket_protections(resources: dict[str, Any]) -> None:
    bucket = resources["DataBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = {r.get("Prefix", ""): r for r in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["posts/"]["ExpirationInDays"] == {"Ref": "RetentionDays"}
    assert rules["quarantine/"]["ExpirationInDays"] == {"Ref": "QuarantineRetentionDays"}
    assert rules["runs/"]["ExpirationInDays"] == {"Ref": "RunReportRetentionDays"}
    assert rules["athena-results/"]["ExpirationInDays"] == 7
    assert rules[""]["AbortIncompleteMultipartUpload"] and rules[""]["NoncurrentVersionExpiration"]
    (deny,) = resources["DataBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_stale_countries_alarm_watches_the_plan_metric(resources: dict[str, Any], template: dict[str, Any]) -> None:
    alarm = resources["StaleCountriesAlarm"]["Properties"]
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert alarm["Namespace"] == variables["POWERTOOLS_METRICS_NAMESPACE"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": variables["POWERTOOLS_SERVICE_NAME"]}]
    assert (alarm["MetricName"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
        "StaleCountries",
        1,
        "GreaterThanOrEqualToThreshold",
    )
    errors = {a["Properties"]["Dimensions"][0]["Value"]["Ref"] for a in resources.values() if _is_errors_alarm(a)}
    assert errors == set(CONTRACT)


def _is_errors_alarm(resource: dict[str, Any]) -> bool:
    props = resource.get("Properties", {})
    return resource["Type"] == "AWS::CloudWatch::Alarm" and props.get("MetricName") == "Errors"


def test_state_table_made_on_moto_has_the_template_keys(resources: dict[str, Any]) -> None:
    from tests.stack import STATE_TABLE_KEYS

    props = resources["StateTable"]["Properties"]
    assert props["KeySchema"] == STATE_TABLE_KEYS["KeySchema"]
    assert props["AttributeDefinitions"] == STATE_TABLE_KEYS["AttributeDefinitions"]


def test_readers_links_have_their_own_retention_and_access(resources: dict[str, Any]) -> None:
    """links/ (links that name authors): only the collect function writes it, only the brief function and
    the API's evidence route read it, each through a statement of its own; it expires on its own schedule."""
    bucket = resources["DataBucket"]["Properties"]
    rules = {r.get("Prefix", ""): r for r in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["links/"]["ExpirationInDays"] == {"Ref": "LinksRetentionDays"}
    links = {"Fn::Sub": "${DataBucket.Arn}/links/*"}
    reach: dict[str, set[str]] = {}
    for name in CONTRACT:
        for statement in _statements(resources[name]):
            resources_ = _as_list(statement["Resource"])
            prefixes = _as_list(statement.get("Condition", {}).get("StringLike", {}).get("s3:prefix", []))
            if links in resources_ or "links/*" in prefixes:
                assert resources_ in ([links], [{"Fn::GetAtt": "DataBucket.Arn"}]), f"{name}: shared statement"
                assert prefixes in ([], ["links/*"])
                reach.setdefault(name, set()).update(_as_list(statement["Action"]))
    assert reach == {
        "CollectFunction": {"s3:PutObject", "s3:AbortMultipartUpload"},
        "BriefFunction": {"s3:GetObject", "s3:ListBucket"},
        "ApiFunction": {"s3:GetObject", "s3:ListBucket"},
        "AlertFunction": {"s3:GetObject", "s3:ListBucket"},  # the examples' links, as the briefs'
    }
