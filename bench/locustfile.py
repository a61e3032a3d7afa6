"""Who loads the IOC in bench/load_test.py: wall screens polling their playlist, and department
heads going from page to page (each page: its HTML, then its body's Dash callback).

The credentials (device tokens, accounts) come from the file IOC_LOAD_CREDENTIALS names.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, constant, task

CREDENTIALS = json.loads(open(os.environ["IOC_LOAD_CREDENTIALS"], encoding="utf-8").read())
WALL_SECONDS = float(os.environ.get("IOC_WALL_SECONDS", "20"))  # the wall's refresh (app.refresh_seconds)
_devices = itertools.cycle(CREDENTIALS["devices"])
_heads = itertools.cycle(CREDENTIALS["heads"])
PAGES = [
    ("/", "overview-body", ""),
    ("/hieu-qua", "effectiveness-body", ""),
    ("/de-an-06", "project06-body", ""),
    ("/co-so-du-lieu", "databases-body", ""),
    ("/csdl", "database-body", "?db=KCB"),
    ("/hieu-qua", "effectiveness-body", "?tinh=79"),
    ("/", "overview-body", "?tinh=01"),
]


def body_request(output: str, search: str) -> dict:
    return {
        "output": f"{output}.children",
        "outputs": {"id": output, "property": "children"},
        "inputs": [
            {"id": "data-version", "property": "data", "value": None},
            {"id": "url", "property": "search", "value": search},
        ],
        "changedPropIds": ["url.search"],
        "state": [],
    }


class WallScreen(HttpUser):
    fixed_count = int(os.environ.get("IOC_WALLS", "100"))
    wait_time = constant(WALL_SECONDS)

    def on_start(self) -> None:
        self.device = next(_devices)
        self.client.cookies.set("ioc_device", self.device["token"])
        self.client.get(f"/wall?screen={self.device['screen']}", name="/wall (page)")

    @task
    def poll(self) -> None:
        with self.client.get(
            f"/api/wall?screen={self.device['screen']}", name="/api/wall", catch_response=True
        ) as answer:
            if answer.status_code != 200 or "slides" not in answer.text:
                answer.failure(f"{answer.status_code}: {answer.text[:120]}")


class DepartmentHead(HttpUser):
    fixed_count = int(os.environ.get("IOC_HEADS", "30"))
    wait_time = between(2, 6)  # reading a page

    def on_start(self) -> None:
        self.head = next(_heads)
        answer = self.client.post(
            "/dang-nhap",
            data={"username": self.head["username"], "password": self.head["password"]},
            headers={"Origin": self.host},
            allow_redirects=False,
            name="/dang-nhap",
        )
        if answer.status_code != 303:
            raise RuntimeError(f"sign-in refused: {answer.status_code}")

    @task(4)
    def a_ministry_page(self) -> None:
        self._open(*random.choice(PAGES))

    @task(2)
    def their_unit(self) -> None:
        self._open("/don-vi", "unit-body", f"?unit={self.head['unit']}")

    def _open(self, path: str, body: str, search: str) -> None:
        self.client.get(path + search, name=f"{path} (page)")
        with self.client.post(
            "/_dash-update-component",
            json=body_request(body, search),
            headers={"Origin": self.host, "Referer": self.host + path},
            name=f"{path} (figures)",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200 or '"response"' not in answer.text:
                answer.failure(f"{answer.status_code}: {answer.text[:120]}")
