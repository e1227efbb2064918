"""The open-data catalogue (issue 22): a page listing every dataset of the public API with
its fields and their meanings, licence, update frequency, rows and size, and links to JSON,
CSV and the OpenAPI description; and the same as DCAT-AP style JSON-LD.

The JSON-LD's context is inline: a reader parses it without fetching anything.
"""

from __future__ import annotations

from datetime import date, datetime

import orjson
from flask import Blueprint, Response, current_app, render_template, url_for

from creditsvc import clock, links
from creditsvc.auth import allow
from creditsvc.principals import PUBLIC
from creditsvc.rate_limits import public_reads
from creditsvc.replicas import serve_from_replicas
from creditsvc.services.publication import open_data, public_cache
from creditsvc.vocabulary import OPEN_DATA_FREQUENCY_WORDS
from creditsvc.web.labels import pick

bp = Blueprint("open_data", __name__)
serve_from_replicas(bp)  # anonymous reads from a hot standby (creditsvc.replicas)

JSONLD_TYPE = "application/ld+json"
MEDIA_TYPE_IRI = "https://www.iana.org/assignments/media-types/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    **{
        term: {"@type": "@id"}
        for term in (
            "dcat:accessURL",
            "dcat:downloadURL",
            "dcat:mediaType",
            "dcat:landingPage",
            "dcat:endpointURL",
            "dcat:endpointDescription",
            "dct:license",
            "dct:accrualPeriodicity",
            "foaf:homepage",
        )
    },
    "dcat:byteSize": {"@type": "xsd:nonNegativeInteger"},
}


def licence() -> tuple[str, str, str]:
    """The licence's address and its names in Chinese and English (OPEN_DATA_LICENCE_*)."""
    url = current_app.config["OPEN_DATA_LICENCE_URL"]
    if url:
        name = current_app.config["OPEN_DATA_LICENCE_NAME"] or url
        return url, name, name
    terms = links.site_url(url_for("open_data.catalogue") + "#terms")
    return terms, "本站开放数据使用条款", "This service's open-data terms"


def _datasets() -> list[dict]:
    measured = open_data.figures()
    shown = []
    for d in open_data.DATASETS:
        figures = measured.get(d.key)
        shown.append(
            {
                "dataset": d,
                "rows": open_data.row_count(d),
                "csv_bytes": figures.csv_bytes if figures else None,
                "measured_at": figures.measured_at if figures else None,
                "modified": open_data.modified(d, figures),
                "json_url": links.site_url(url_for(d.json_endpoint)),
                "csv_url": links.site_url(url_for(d.csv_endpoint)),
                "frequency": OPEN_DATA_FREQUENCY_WORDS[d.frequency],
            }
        )
    return shown


@bp.get("/open-data")
@allow(PUBLIC)
@public_reads
def catalogue():
    """Every open dataset: fields and meanings, licence, frequency, rows and size."""
    url, name_zh, name_en = licence()
    return render_template(
        "public/open_data.html",
        datasets=_datasets(),
        licence_url=url,
        licence_name=pick(name_zh, name_en),
        openapi_url=url_for("api-docs.openapi_json"),
        pick=pick,
    )


@bp.get("/open-data/catalog.jsonld")
@allow(PUBLIC)
@public_reads
def catalogue_jsonld():
    """The catalogue as DCAT JSON-LD (a dcat:Catalog of dcat:Datasets)."""
    kept = public_cache.answer(("open-data", "catalog"), _jsonld)
    response = Response(kept.body, content_type=f"{JSONLD_TYPE}; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = kept.seconds_left
    return response


def _both(zh: str, en: str) -> list[dict]:
    return [{"@value": zh, "@language": "zh"}, {"@value": en, "@language": "en"}]


def _moment(value: datetime | date | None) -> dict | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return {"@value": clock.iso(value), "@type": "xsd:dateTime"}
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _jsonld() -> str:
    url, name_zh, name_en = licence()
    bureau = current_app.config["BUREAU_NAME"]
    publisher = {"@type": "foaf:Agent", "foaf:name": bureau}
    page = links.site_url(url_for("open_data.catalogue"))
    service = {
        "@id": links.site_url("/api/public/v1"),
        "@type": "dcat:DataService",
        "dct:title": _both("诚信计量开放数据接口", "Honest-metrology open-data API"),
        "dcat:endpointURL": links.site_url("/api/public/v1"),
        "dcat:endpointDescription": links.site_url(url_for("api-docs.openapi_json")),
        "dct:license": url,
    }
    catalog = {
        "@context": CONTEXT,
        "@id": links.site_url(url_for("open_data.catalogue_jsonld")),
        "@type": "dcat:Catalog",
        "dct:title": _both("诚信计量开放数据目录", "Honest-metrology open-data catalogue"),
        "dct:description": _both(
            "上海市诚信计量信用服务公开的数据集。", "The datasets the credit service publishes."
        ),
        "dct:publisher": publisher,
        "dct:license": url,
        "dct:rights": _both(name_zh, name_en),
        "foaf:homepage": page,
        "dcat:service": service,
        "dcat:dataset": [_dataset(shown, page, url, publisher) for shown in _datasets()],
    }
    return orjson.dumps(catalog).decode()


def _dataset(shown: dict, page: str, licence_url: str, publisher: dict) -> dict:
    d: open_data.Dataset = shown["dataset"]
    openapi = links.site_url(url_for("api-docs.openapi_json"))
    fields = "; ".join(f"{name}: {words.en}" for name, words in d.fields)
    fields_zh = "；".join(f"{name}：{words.zh}" for name, words in d.fields)
    csv = {
        "@type": "dcat:Distribution",
        "dct:title": _both(f"{d.title.zh}（CSV）", f"{d.title.en} (CSV)"),
        "dcat:accessURL": shown["csv_url"],
        "dcat:downloadURL": shown["csv_url"],
        "dcat:mediaType": MEDIA_TYPE_IRI + "text/csv",
        "dct:format": "CSV",
        "dct:license": licence_url,
        "dct:description": _both(f"{shown['rows']} 行", f"{shown['rows']} rows"),
    }
    if shown["csv_bytes"] is not None:
        csv["dcat:byteSize"] = shown["csv_bytes"]
    return {
        "@id": f"{page}#{d.key}",
        "@type": "dcat:Dataset",
        "dct:identifier": d.key,
        "dct:title": _both(d.title.zh, d.title.en),
        "dct:description": _both(
            f"{d.description.zh} 字段：{fields_zh}。", f"{d.description.en} Fields: {fields}."
        ),
        "dcat:keyword": [
            {"@value": k, "@language": "zh" if not k.isascii() else "en"} for k in d.keywords
        ],
        "dct:license": licence_url,
        "dct:accrualPeriodicity": open_data.FREQUENCY_IRI + d.frequency,
        "dct:modified": _moment(shown["modified"] or shown["measured_at"]),
        "dct:publisher": publisher,
        "dcat:landingPage": f"{page}#{d.key}",
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": _both(f"{d.title.zh}（JSON）", f"{d.title.en} (JSON)"),
                "dcat:accessURL": shown["json_url"],
                "dcat:downloadURL": shown["json_url"],
                "dcat:mediaType": MEDIA_TYPE_IRI + "application/json",
                "dct:format": "JSON",
                "dct:license": licence_url,
                "dct:conformsTo": {"@id": openapi},
                "dcat:accessService": {"@id": links.site_url("/api/public/v1")},
            },
            csv,
        ],
    }
