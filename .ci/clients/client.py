#!/usr/bin/env python3
"""Drives backlog-mcp (on its --sandbox demo space) with the official Python SDK.

  client.py --url http://127.0.0.1:PORT/mcp --mode legacy|auto --expect-version V --tools FILE
  client.py --mode ... --expect-version V --tools FILE -- COMMAND [ARG...]   (stdio)

mode "legacy" is the 2025-11-25 initialize handshake; "auto" probes server/discover
and must land on 2026-07-28. --tools names a file with the expected tool names, one
a line. Each step prints what it sent; a failed assertion prints what came back.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import sys
import traceback
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters

failures: list[str] = []


def show(value: Any) -> str:
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json", by_alias=True, exclude_none=True)
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return text if len(text) < 6000 else text[:6000] + " …"


def check(ok: bool, what: str, seen: Any) -> None:
    if ok:
        print(f"  ok   {what}")
    else:
        print(f"  FAIL {what}\n       the client saw: {show(seen)}")
        failures.append(what)


def text_of(result: Any) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


def json_of(result: Any) -> Any:
    try:
        return json.loads(text_of(result))
    except ValueError:
        return None


async def call(client: Client, name: str, arguments: dict[str, Any]) -> Any:
    print(f"  → tools/call {name} {json.dumps(arguments, ensure_ascii=False)}")
    return await client.call_tool(name, arguments)


async def scenario(client: Client, args: argparse.Namespace) -> None:
    check(client.protocol_version == args.expect_version, f"negotiated protocol {args.expect_version}",
          {"protocol_version": client.protocol_version})
    info = client.server_info
    check(info is not None and info.name == "backlog-mcp", "server identifies as backlog-mcp", info)
    check(client.server_capabilities.tools is not None, "server declares the tools capability",
          client.server_capabilities)

    print("  → tools/list")
    tools: list[Any] = []
    cursor = None
    for _ in range(20):
        page = await client.list_tools(cursor=cursor)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            break
    expected = sorted(line.strip() for line in open(args.tools, encoding="utf-8") if line.strip())
    names = sorted(tool.name for tool in tools)
    check(names == expected, f"tools/list lists the {len(expected)} tools of the README", names)
    schemas_ok = all(tool.input_schema.get("type") == "object" for tool in tools)
    check(schemas_ok, "every tool has an object inputSchema", [t.input_schema for t in tools][:3])

    myself = await call(client, "get_myself", {})
    user = json_of(myself)
    check(not myself.is_error and isinstance(user, dict) and user.get("id") == 1,
          "get_myself returns user id 1", myself)

    projects = await call(client, "get_project_list", {})
    listed = json_of(projects)
    demo = [p for p in listed or [] if isinstance(p, dict) and p.get("projectKey") == "DEMO"]
    check(not projects.is_error and len(demo) == 1 and demo[0].get("id") == 1,
          "get_project_list lists DEMO with id 1", projects)

    summary = f"Python SDK check ({args.label})"
    added = await call(client, "add_issue",
                       {"projectId": 1, "summary": summary, "issueTypeId": 2, "priorityId": 3})
    issue = json_of(added) or {}
    key = issue.get("issueKey", "")
    check(not added.is_error and bool(re.fullmatch(r"DEMO-[1-9][0-9]*", key)) and issue.get("summary") == summary,
          "add_issue creates a DEMO issue with our summary", added)

    if key:
        got = await call(client, "get_issue", {"issueKey": key})
        read = json_of(got) or {}
        check(not got.is_error and read.get("issueKey") == key and read.get("id") == issue.get("id")
              and read.get("summary") == summary
              and (read.get("issueType") or {}).get("id") == 2 and (read.get("priority") or {}).get("id") == 3,
              f"get_issue reads back {key} as written (summary, Task, Normal)", got)

    # Downloads: an image and a UTF-8 text attachment, decoded, equal to the sandbox's files.
    files = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../sandbox/data/demo/files")
    image = await call(client, "get_issue_attachment", {"issueKey": "DEMO-1", "attachmentId": 1})
    blocks = image.content
    expected_png = open(os.path.join(files, "screenshot.png"), "rb").read()
    got_png = base64.b64decode(blocks[1].data) if len(blocks) == 2 and blocks[1].type == "image" else None
    check(not image.is_error and got_png == expected_png and blocks[1].mime_type == "image/png",
          "get_issue_attachment returns DEMO-1's PNG as image content, byte for byte", image)
    text = await call(client, "get_issue_attachment", {"issueId": 2, "attachmentId": 7})
    blocks = text.content
    expected_text = open(os.path.join(files, "minutes-2026-01.txt"), "rb").read()
    got_text = blocks[1].text.encode("utf-8") if len(blocks) == 2 and blocks[1].type == "text" else None
    about = json.loads(blocks[0].text) if blocks and blocks[0].type == "text" else {}
    check(not text.is_error and got_text == expected_text and about.get("fileName") == "議事録.txt",
          "get_issue_attachment returns DEMO-2's Japanese text file as text, byte for byte", text)

    bad = await call(client, "get_issue", {})
    check(bad.is_error is True and "issueId or issueKey is required" in text_of(bad),
          "get_issue without arguments: isError with 'issueId or issueKey is required'", bad)


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--mode", required=True)
    parser.add_argument("--expect-version", required=True)
    parser.add_argument("--tools", required=True)
    parser.add_argument("--label", default="")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if args.url:
        server: Any = args.url
    elif command:
        server = StdioServerParameters(command=command[0], args=command[1:])
    else:
        parser.error("give --url or a command after --")
    try:
        async with Client(server, mode=args.mode, read_timeout_seconds=30) as client:
            await asyncio.wait_for(scenario(client, args), timeout=60)
    except Exception as error:  # report, do not hide: the SDK's own words are the evidence
        print(f"  FAIL the SDK raised {type(error).__name__}: {error}")
        traceback.print_exc(file=sys.stdout)
        failures.append(f"exception {type(error).__name__}")
    if failures:
        print(f"  {len(failures)} check(s) failed: {failures}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
