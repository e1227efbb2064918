"""The open-data catalogue: a page in Chinese and English, and DCAT JSON-LD that parses as
JSON and as RDF (its context inline, nothing fetched), every dataset with the required
properties, every download answering, row counts and sizes matching the data."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs.open_data import measure_open_data
from creditsvc.jobs.scheduler import PERIODIC
from creditsvc.models import InspectionPlan, InspectionPlanItem
from creditsvc.services.publication import open_data
from creditsvc.vocabulary import OPEN_DATA_FIELD_WORDS
from tests.documents import publish_every_kind

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
SITE = "https://credit.example.test"
DATASET_PROPERTIES = (
    DCT.title,
    DCT.description,
    DCT.license,
    DCT.accrualPeriodicity,
    DCT.modified,
    DCAT.keyword,
    DCT.publisher,
    DCAT.distribution,
)


def published_plan(world, merchants) -> None:
    """A random inspection plan of Xuhui, its period over, published (一公开)."""
    today = clock.today()
    plan = InspectionPlan(
        district_code=world.XUHUI,
        period_start=today - timedelta(days=60),
        period_end=today - timedelta(days=1),
        seed=20261207,
        ratios={"A": 0.1},
        population={"A": len(merchants)},
        status="published",
        created_by="test",
        published_on=today,
        published_by="test",
    )
    plan.items = [
        InspectionPlanItem(position=i, merchant_id=m.id, risk_class="A", inspector_ids=[])
        for i, m in enumerate(merchants)
    ]
    db.session.add(plan)
    db.session.commit()


@pytest.fixture
def city(world):
    publish_every_kind(world)
    published_plan(world, [world.merchant(name="抽查甲"), world.merchant(name="抽查乙")])
    measure_open_data()


def catalogue_graph(client) -> tuple[dict, Graph]:
    response = client.get("/open-data/catalog.jsonld")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    document = json.loads(response.data)
    assert isinstance(document["@context"], dict)  # inline: a reader fetches nothing
    graph = Graph().parse(data=response.data, format="json-ld")
    return document, graph


def csv_rows(client, url: str) -> tuple[list[dict], int]:
    response = client.get(url.removeprefix(SITE))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    return rows, len(response.data)


def test_the_dcat_document_parses_and_every_dataset_has_what_dcat_ap_requires(city, client):
    _, graph = catalogue_graph(client)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    assert len(datasets) == len(open_data.DATASETS) == 6
    for dataset in datasets:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        for prop in DATASET_PROPERTIES:
            assert graph.value(dataset, prop) is not None, (dataset, prop)
        languages = {t.language for t in graph.objects(dataset, DCT.title)}
        assert languages == {"zh", "en"}
        assert str(graph.value(dataset, DCT.accrualPeriodicity)).startswith(
            "http://publications.europa.eu/resource/authority/frequency/"
        )
        media = set()
        for distribution in graph.objects(dataset, DCAT.distribution):
            assert graph.value(distribution, DCAT.accessURL) is not None
            assert graph.value(distribution, DCAT.downloadURL) is not None
            media.add(str(graph.value(distribution, DCAT.mediaType)).rsplit("/", 1)[-1])
        assert media == {"json", "csv"}
    service = graph.value(catalogue, DCAT.service)
    assert str(graph.value(service, DCAT.endpointDescription)) == f"{SITE}/api/openapi.json"


def test_every_download_answers_and_counts_and_sizes_match_the_data(city, client):
    _, graph = catalogue_graph(client)
    sizes = {}
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        url = str(graph.value(distribution, DCAT.downloadURL))
        answer = client.get(url.removeprefix(SITE))
        assert answer.status_code == 200, url
        if url.endswith(".csv"):
            rows, size = csv_rows(client, url)
            assert graph.value(distribution, DCAT.byteSize) == Literal(
                size, datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
            )
            sizes[url] = (len(rows), size)
    assert len(sizes) == 6
    shown = {d.key: open_data.row_count(d) for d in open_data.DATASETS}
    by_csv = {url.rsplit("/", 1)[-1]: rows for url, (rows, _) in sizes.items()}
    assert by_csv["inspection-plans.csv"] == shown["inspection_plans"] == 2
    assert by_csv["documents.csv"] == shown["documents"] == 4
    assert by_csv["honor-roll.csv"] == shown["honor_roll"] >= 1
    assert by_csv["demonstrations.csv"] == shown["demonstrations"] >= 1
    assert by_csv["demonstration-units.csv"] == shown["demonstration_units"] == 1
    assert by_csv["merchants.csv"] == shown["merchants"]


def test_the_plans_export_publishes_no_risk_class(city, client):
    rows, _ = csv_rows(client, "/api/public/v1/inspection-plans.csv")
    assert {r["name"] for r in rows} == {"抽查甲", "抽查乙"}
    assert all("risk_class" not in r and r["outcome"] == "not inspected" for r in rows)


def test_every_field_of_every_dataset_has_its_meaning_in_both_languages():
    for dataset in open_data.DATASETS:
        for name, words in dataset.fields:
            assert OPEN_DATA_FIELD_WORDS[name] is words and words.zh and words.en, name


def test_the_page_shows_each_dataset_in_chinese_and_english(city, client):
    zh = client.get("/open-data").get_data(as_text=True)
    assert "开放数据" in zh and "双随机抽查计划及结果" in zh and "统一社会信用代码" in zh
    assert 'href="/open-data/catalog.jsonld"' in zh and "/api/openapi.json" in zh
    assert 'class="cards"' in zh and 'data-label="行数"' in zh
    assert "尚未测量" not in zh  # measured by the nightly job
    en = client.get("/open-data?lang=en").get_data(as_text=True)
    assert "Random inspection plans and outcomes" in en and "Unified social credit code" in en
    assert 'id="terms"' in en
    home = client.get("/").get_data(as_text=True)
    assert 'href="/open-data"' in home


def test_before_the_first_night_the_page_says_sizes_are_not_measured(world, client):
    page = client.get("/open-data").get_data(as_text=True)
    assert page.count("尚未测量") == len(open_data.DATASETS)
    document, graph = catalogue_graph(client)
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 6
    assert all("dcat:byteSize" not in str(d) for d in document["dcat:dataset"])


def test_a_licence_set_by_the_bureau_is_named(app, world, client):
    app.config["OPEN_DATA_LICENCE_URL"] = "https://creativecommons.org/licenses/by/4.0/"
    app.config["OPEN_DATA_LICENCE_NAME"] = "CC BY 4.0"
    _, graph = catalogue_graph(client)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(graph.value(catalogue, DCT.license)) == app.config["OPEN_DATA_LICENCE_URL"]
    assert "CC BY 4.0" in client.get("/open-data").get_data(as_text=True)


def test_the_sizes_are_measured_each_night_after_the_roll():
    periodic = {job.name: job for job in PERIODIC}
    measured, roll = periodic["open-data-figures"], periodic["daily-roll"]
    assert measured.func is measure_open_data
    hour = int(measured.cron.split()[1])
    assert hour > int(roll.cron.split()[1])
