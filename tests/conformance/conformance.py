#!/usr/bin/env python3
"""Drives apivideo-simulator with api.video's official Python client (PyPI `api.video`).

Every journey goes through the client's own methods and models, so a request the
simulator refuses, or an answer the client's models reject, fails the run. Where the
client itself is at fault, the journey says so with the evidence and reaches the same
endpoint another way.

    python3 conformance.py --simulator target/debug/apivideo-simulator
    python3 conformance.py --base-url http://127.0.0.1:8080 --api-key KEY

The first starts the simulator (and stops it at the end); the second uses one already
running, started with `--token-ttl 15` so that the client's background refresh runs
during the journeys. `run.sh` next to this file builds the
simulator, makes the virtual environment and calls the first form.
"""

import argparse
import datetime
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import zlib

import apivideo
from apivideo import AuthenticatedApiClient
from apivideo.api_client import ApiClient
from apivideo.configuration import Configuration
from apivideo.api.analytics_api import AnalyticsApi
from apivideo.api.captions_api import CaptionsApi
from apivideo.api.chapters_api import ChaptersApi
from apivideo.api.live_streams_api import LiveStreamsApi
from apivideo.api.player_themes_api import PlayerThemesApi
from apivideo.api.summaries_api import SummariesApi
from apivideo.api.tags_api import TagsApi
from apivideo.api.upload_tokens_api import UploadTokensApi
from apivideo.api.videos_api import VideosApi
from apivideo.api.watermarks_api import WatermarksApi
from apivideo.api.webhooks_api import WebhooksApi
from apivideo.endpoint import ChunkIO
from apivideo.exceptions import ApiException, NotFoundException
from apivideo.model.captions_update_payload import CaptionsUpdatePayload
from apivideo.model.discarded_video_update_payload import DiscardedVideoUpdatePayload
from apivideo.model.live_stream_creation_payload import LiveStreamCreationPayload
from apivideo.model.live_stream_update_payload import LiveStreamUpdatePayload
from apivideo.model.metadata import Metadata
from apivideo.model.player_theme_creation_payload import PlayerThemeCreationPayload
from apivideo.model.player_theme_update_payload import PlayerThemeUpdatePayload
from apivideo.model.summary_creation_payload import SummaryCreationPayload
from apivideo.model.summary_update_payload import SummaryUpdatePayload
from apivideo.model.token_creation_payload import TokenCreationPayload
from apivideo.model.video import Video
from apivideo.model.video_creation_payload import VideoCreationPayload
from apivideo.model.video_thumbnail_pick_payload import VideoThumbnailPickPayload
from apivideo.model.video_update_payload import VideoUpdatePayload
from apivideo.model.video_watermark import VideoWatermark
from apivideo.model.webhooks_creation_payload import WebhooksCreationPayload

MIB = 1024 * 1024
# The client's smallest chunk (apivideo/configuration.py, MIN_CHUNK_SIZE).
CHUNK_SIZE = 5 * MIB
# Bearer tokens live 15 s: the client renews them 10 s before they expire
# (auth_api_client.py, AuthenticatedApiClient._update_connection), so its background
# refresh runs every 5 s while the journeys run.
TOKEN_TTL = 15


# ------------------------------------------------------------------ the simulator ---


class Simulator:
    """The simulator binary, started on a free port and stopped at the end."""

    def __init__(self, binary, api_key):
        self.api_key = api_key
        self.process = subprocess.Popen(
            [
                binary,
                "--port", "0",
                "--api-key", api_key,
                "--token-ttl", str(TOKEN_TTL),
                "--encoding-delay-ms", "200",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        first = self.process.stdout.readline().strip()
        second = self.process.stdout.readline().strip()
        if not first.startswith("apivideo-simulator listening on http://"):
            self.stop()
            raise RuntimeError(f"the simulator did not start: {first!r}")
        self.base_url = first.rsplit(" ", 1)[1]
        if second != f"API key: {api_key}":
            self.stop()
            raise RuntimeError(f"unexpected second line: {second!r}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Running:
    """A simulator started elsewhere (--base-url)."""

    def __init__(self, base_url, api_key):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key

    def stop(self):
        pass


# ----------------------------------------------------------------------- helpers ---


def sample(size, seed=1):
    """`size` bytes that differ from one position to the next."""
    block = bytes((i * 31 + seed * 7) % 251 for i in range(251))
    return (block * (size // len(block) + 1))[:size]


def png_1x1():
    """A real 1x1 PNG image."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


# The start of a JFIF file: the simulator, like the API, recognizes JPEG by its
# signature (FF D8 FF) when neither the file name nor the media type says what it is.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(200) + b"\xff\xd9"

VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello from the conformance suite.\n"
CHAPTERS = b"WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nIntroduction\n"


class Files:
    """Named files in a temporary directory: the client sends a file's base name."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="apivideo-conformance-")

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as out:
            out.write(data)
        return path

    def open(self, name, data):
        return open(self.write(name, data), "rb")

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def equal(got, expected, what):
    if got != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {got!r}")


def eventually(condition, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def expect_status(status, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ApiException as error:
        equal(error.status, status, f"status of {call.__name__ if hasattr(call, '__name__') else call}")
        return error
    raise AssertionError(f"expected HTTP {status}, the call succeeded")


# ---------------------------------------------------------------------- journeys ---


class Journeys:
    def __init__(self, sim, client, anonymous, files, refreshes, refresh):
        self.sim = sim
        self.refresh = refresh
        self.client = client
        self.anonymous = anonymous
        self.files = files
        self.refreshes = refreshes
        self.videos = VideosApi(client)
        self.tokens = UploadTokensApi(client)

    def playable(self, video_id):
        eventually(
            lambda: self.videos.get_status(video_id).encoding.playable,
            f"video {video_id} to be playable",
        )

    def new_video(self, title, **fields):
        return self.videos.create(VideoCreationPayload(title=title, **fields))

    # -------------------------------------------------------------- auth ---

    def authenticate_and_refresh(self):
        """Bearer tokens from /auth/api-key, renewed with /auth/refresh."""
        before = (self.client._access_token, self.client._refresh_token)
        check(before[0], "the client has an access token after connect()")
        self.refresh()
        after = (self.client._access_token, self.client._refresh_token)
        check(after[0] != before[0], "refresh gives a new access token")
        check(after[1] != before[1], "refresh gives a new refresh token")
        self.videos.list(page_size=1)

        # A wrong key is refused at connect() (400 on /auth/api-key, as api.video).
        wrong = AuthenticatedApiClient("not-the-key")
        wrong.configuration.host = self.sim.base_url
        expect_status(400, wrong.connect)
        # Without a token the API answers 401.
        unauthenticated = VideosApi(self.anonymous)
        expect_status(401, unauthenticated.list)

    def background_refresh(self):
        """The client's own refresh loop (AuthenticatedApiClient._refresh) renews the
        token while the journeys run; calls keep working with each new token."""
        wait = max(0.0, self.client.next_refresh - time.time()) + 5
        check(
            self.refreshes["background"] >= 1 or wait < 60,
            f"tokens live too long for this journey; start the simulator with --token-ttl {TOKEN_TTL}",
        )
        eventually(lambda: self.refreshes["background"] >= 1, "a background refresh", timeout=wait)
        self.videos.list(page_size=1)

    # ------------------------------------------------------------ videos ---

    def videos_crud_tags_and_metadata(self):
        stamp = str(time.time_ns())
        a = self.new_video(
            "Conformance A",
            description="first",
            tags=["conf-a", "conf-both"],
            metadata=[Metadata(key="run", value=stamp), Metadata(key="kind", value="a")],
            public=True,
        )
        b = self.new_video(
            "Conformance B",
            tags=["conf-both"],
            metadata=[Metadata(key="run", value=stamp)],
            public=False,
        )
        equal(a.tags, ["conf-a", "conf-both"], "tags")
        equal([(m.key, m.value) for m in a.metadata], [("run", stamp), ("kind", "a")], "metadata")
        got = self.videos.get(a.video_id)
        equal(got.title, "Conformance A", "title of get")

        updated = self.videos.update(
            b.video_id,
            VideoUpdatePayload(
                title="Conformance B2",
                tags=["conf-both", "conf-b"],
                metadata=[Metadata(key="run", value=stamp), Metadata(key="kind", value="b")],
            ),
        )
        equal(updated.title, "Conformance B2", "updated title")

        listed = self.videos.list(metadata={"run": stamp})
        equal(sorted(v.video_id for v in listed.data), sorted([a.video_id, b.video_id]), "metadata filter")
        listed = self.videos.list(metadata={"run": stamp, "kind": "b"})
        equal([v.video_id for v in listed.data], [b.video_id], "two metadata filters")
        listed = self.videos.list(tags=["conf-a"])
        equal([v.video_id for v in listed.data], [a.video_id], "tag filter")
        listed = self.videos.list(tags=["conf-both", "conf-b"])
        equal([v.video_id for v in listed.data], [b.video_id], "tags filter")
        listed = self.videos.list(title="Conformance B2")
        equal([v.video_id for v in listed.data], [b.video_id], "title filter")
        listed = self.videos.list(metadata={"run": stamp}, sort_by="title", sort_order="desc")
        equal([v.title for v in listed.data], ["Conformance B2", "Conformance A"], "sorted list")
        page = self.videos.list(metadata={"run": stamp}, page_size=1, current_page=2)
        equal(len(page.data), 1, "page size")
        equal(page.pagination.current_page, 2, "current page")
        equal(page.pagination.items_total, 2, "items total")

        status = self.videos.get_status(a.video_id)
        equal(status.encoding.playable, False, "a video without a file is not playable")

        # Deleted videos are discarded first (Video Restore), then restored.
        self.videos.delete(a.video_id)
        expect_status(404, self.videos.get, a.video_id)
        discarded = self.videos.list_discarded(title="Conformance A")
        check(any(v.video_id == a.video_id for v in discarded.data), "listed as discarded")
        self.videos.get_discarded(a.video_id)
        restored = self.videos.update_discarded(a.video_id, DiscardedVideoUpdatePayload(discarded=False))
        equal(restored.video_id, a.video_id, "restored video")
        self.videos.delete(a.video_id)
        self.videos.delete(b.video_id)
        try:
            self.videos.get("vinotavideo")
            raise AssertionError("an unknown video was found")
        except NotFoundException:
            pass

    def tags(self):
        stamp = time.time_ns()
        tag = f"conf-tag-{stamp}"
        ids = [self.new_video(f"Tagged {i}", tags=[tag]).video_id for i in range(2)]
        listed = TagsApi(self.client).list(value=tag)
        counts = {t.value: t.video_count for t in listed.data}
        equal(counts.get(tag), 2, "video count of the tag")
        for video_id in ids:
            self.videos.delete(video_id)

    # ----------------------------------------------------------- uploads ---

    def upload_whole_file(self):
        video = self.new_video("Whole file")
        with self.files.open("558k.mp4", sample(558 * 1024)) as file:
            uploaded = self.videos.upload(video.video_id, file)
        equal(uploaded.video_id, video.video_id, "uploaded video")
        self.playable(video.video_id)
        status = self.videos.get_status(video.video_id)
        equal(status.ingest.status, "uploaded", "ingest status")
        equal(status.ingest.filesize, 558 * 1024, "file size")
        self.videos.delete(video.video_id)

    def upload_chunks(self):
        """VideosApi.upload splits the file in chunk_size pieces, sent `part n/M`."""
        video = self.new_video("Chunked upload")
        size = 2 * CHUNK_SIZE + 123_457
        with self.files.open("chunked.mp4", sample(size, 3)) as file:
            uploaded = self.videos.upload(video.video_id, file)
        equal(uploaded.title, "Chunked upload", "title after the last chunk")
        status = self.videos.get_status(video.video_id)
        equal(status.ingest.status, "uploaded", "ingest status")
        equal(status.ingest.filesize, size, "assembled size")
        equal(list(status.ingest.received_parts.parts), [1, 2, 3], "received parts")
        self.playable(video.video_id)
        self.videos.delete(video.video_id)

    def upload_from_nameless_stream(self):
        """A stream without a name goes out as `no_name`, application/octet-stream
        (api_client.py, ApiClient.files_parameters), as in the client's own
        test_upload_temporary_file."""
        video = self.new_video("From a stream")
        with tempfile.SpooledTemporaryFile() as stream:
            stream.write(sample(300_000, 5))
            stream.seek(0)
            self.videos.upload(video.video_id, stream)
        self.playable(video.video_id)
        self.videos.delete(video.video_id)

    def progressive_upload(self):
        video = self.new_video("Progressive upload")
        session = self.videos.create_upload_progressive_session(video.video_id)
        with self.files.open("10m.mp4.part.a", sample(400_000, 7)) as part:
            first = session.uploadPart(part)
        equal(first.video_id, video.video_id, "video id of the first part")
        with self.files.open("10m.mp4.part.b", sample(400_000, 8)) as part:
            session.uploadPart(part)
        with self.files.open("10m.mp4.part.c", sample(123_456, 9)) as part:
            last = session.uploadLastPart(part)
        equal(last.title, "Progressive upload", "title after the last part")
        status = self.videos.get_status(video.video_id)
        equal(status.ingest.filesize, 923_456, "assembled size")
        self.playable(video.video_id)
        self.videos.delete(video.video_id)

    def upload_tokens(self):
        token = self.tokens.create_token(TokenCreationPayload(ttl=3600))
        check(token.token.startswith("to"), "token id")
        equal(self.tokens.get_token(token.token).ttl, 3600, "ttl")
        listed = self.tokens.list(sort_by="ttl", sort_order="desc")
        check(any(t.token == token.token for t in listed.data), "listed token")
        forever = self.tokens.create_token(TokenCreationPayload())
        self.tokens.delete_token(forever.token)
        expect_status(404, self.tokens.get_token, forever.token)
        self.tokens.delete_token(token.token)

    def upload_with_token(self):
        """One request, no credentials (a bare ApiClient); the video is titled with the
        file name, whole."""
        token = self.tokens.create_token(TokenCreationPayload())
        anonymous = VideosApi(self.anonymous)
        with self.files.open("558k.mp4", sample(200_000, 11)) as file:
            video = anonymous.upload_with_upload_token(token.token, file)
        equal(video.title, "558k.mp4", "title of a token upload")
        self.playable(video.video_id)
        self.videos.delete(video.video_id)
        self.tokens.delete_token(token.token)

    def progressive_upload_with_token(self):
        """The parts `part 1/*`, `part 2/*`, `part 3/3` go to POST /upload?token=; the
        session sends the videoId of the first answer with the next parts."""
        token = self.tokens.create_token(TokenCreationPayload())
        anonymous = VideosApi(self.anonymous)
        session = anonymous.create_upload_with_upload_token_progressive_session(token.token)
        with self.files.open("10m.mp4.part.a", sample(300_000, 12)) as part:
            first = session.uploadPart(part)
        with self.files.open("10m.mp4.part.b", sample(300_000, 13)) as part:
            session.uploadPart(part)
        with self.files.open("10m.mp4.part.c", sample(1000, 14)) as part:
            last = session.uploadLastPart(part)
        equal(last.video_id, first.video_id, "one video for every part")
        # As api.video's own tests expect (Node test/sandbox.spec.ts, Go
        # api_videos_test.go TestVideos_Integration_CreateUploadWithUploadTokenStream,
        # PHP tests/Api/VideosApiTest.php testProgressiveUploadWithUploadToken).
        equal(last.title, "10m.mp4.part.a", "title of a progressive token upload")
        self.playable(last.video_id)

        # To an existing video (PHP testProgressiveUploadWithUploadTokenExistingVideo).
        existing = self.new_video("Existing video")
        session = anonymous.create_upload_with_upload_token_progressive_session(token.token, existing.video_id)
        with self.files.open("part.a", sample(300_000, 15)) as part:
            session.uploadPart(part)
        with self.files.open("part.b", sample(1000, 16)) as part:
            last = session.uploadLastPart(part)
        equal(last.title, "Existing video", "title kept")
        self.playable(existing.video_id)
        for video_id in (first.video_id, existing.video_id):
            self.videos.delete(video_id)
        self.tokens.delete_token(token.token)

    def chunked_upload_with_token(self):
        """A file of several chunks sent with an upload token.

        Client fault: VideosApi.upload_with_upload_token (api/videos_api.py) sends every
        chunk as `part n/M` to POST /upload?token= WITHOUT the `videoId` form field. The
        API's description of that field (token-upload-payload.videoId, "The video id
        returned by the first call to this endpoint in a large video upload scenario")
        says the later chunks must carry it, and the Java client does send it
        (VideosApi.uploadWithUploadTokenWithHttpInfo copies it from the first answer).
        Without it every chunk starts a video of its own that never completes: the call
        below succeeds, chunk by chunk, but leaves three incomplete videos. So the
        journey checks that, then sends the same chunks, `part n/M`, through the
        client's own ApiClient.call_api with the videoId, as Java does.
        """
        token = self.tokens.create_token(TokenCreationPayload())
        size = 2 * CHUNK_SIZE + 4321
        data = sample(size, 17)
        anonymous = VideosApi(self.anonymous)
        before = {v.video_id for v in self.videos.list(title="chunked-token.mp4", page_size=100).data}
        with self.files.open("chunked-token.mp4", data) as file:
            last = anonymous.upload_with_upload_token(token.token, file)
        strays = [
            v for v in self.videos.list(title="chunked-token.mp4", page_size=100).data
            if v.video_id not in before
        ]
        equal(len(strays), 3, "videos started by the three chunks without videoId")
        check(last.video_id in {v.video_id for v in strays}, "the last answer is one of them")
        for stray in strays:
            equal(self.videos.get_status(stray.video_id).ingest.status, "uploading", "a stray chunk's video")
            self.videos.delete(stray.video_id)

        # The same chunks, with the videoId of the first answer.
        parts = [data[i:i + CHUNK_SIZE] for i in range(0, size, CHUNK_SIZE)]
        video_id = None
        for number, chunk in enumerate(parts, start=1):
            form = [("videoId", video_id)] if video_id else []
            answer = self.anonymous.call_api(
                "/upload",
                "POST",
                query_params=[("token", token.token)],
                header_params={
                    "Accept": "application/json",
                    "Content-Type": "multipart/form-data",
                    "Content-Range": f"part {number}/{len(parts)}",
                },
                post_params=form,
                files={"file": [ChunkIO(chunk, "chunked-token.mp4")]},
                response_type=(Video,),
                _return_http_data_only=True,
            )
            video_id = video_id or answer.video_id
            equal(answer.video_id, video_id, f"video of chunk {number}")
        status = self.videos.get_status(video_id)
        equal(status.ingest.status, "uploaded", "ingest status")
        equal(status.ingest.filesize, size, "assembled size")
        equal(self.videos.get(video_id).title, "chunked-token.mp4", "title")
        self.playable(video_id)
        self.videos.delete(video_id)
        self.tokens.delete_token(token.token)

    # ------------------------------------------------------ video assets ---

    def thumbnails(self):
        video = self.new_video("Thumbnails")
        with self.files.open("thumbnail.jpg", JPEG) as file:
            got = self.videos.upload_thumbnail(video.video_id, file)
        check(got.assets.thumbnail, "thumbnail URL")
        with self.files.open("thumbnail.png", png_1x1()) as file:
            self.videos.upload_thumbnail(video.video_id, file)
        # A nameless stream: `no_name`, application/octet-stream; judged by its bytes.
        with tempfile.SpooledTemporaryFile() as stream:
            stream.write(JPEG)
            stream.seek(0)
            self.videos.upload_thumbnail(video.video_id, stream)
        # What the client's model documents: "hh:mm:ss.ms"; the PHP client test picks
        # 00:00:09.000.
        picked = self.videos.pick_thumbnail(video.video_id, VideoThumbnailPickPayload(timecode="00:00:09.000"))
        equal(picked.video_id, video.video_id, "picked thumbnail")
        self.videos.pick_thumbnail(video.video_id, VideoThumbnailPickPayload(timecode="00:00:01.50"))
        # Bytes that are no image are refused, whatever the client.
        with tempfile.SpooledTemporaryFile() as stream:
            stream.write(b"not an image")
            stream.seek(0)
            expect_status(400, self.videos.upload_thumbnail, video.video_id, stream)
        self.videos.delete(video.video_id)

    def captions(self):
        video = self.new_video("Captions")
        api = CaptionsApi(self.client)
        with self.files.open("en.vtt", VTT) as file:
            caption = api.upload(video.video_id, "en", file)
        equal(caption.srclang, "en", "srclang")
        with self.files.open("captions.vtt", VTT) as file:
            api.upload(video.video_id, "zh-Hans-CN", file)
        # `ch` as in the PHP client's tests/Api/CaptionsApiTest.php testList.
        with self.files.open("ch.vtt", VTT) as file:
            api.upload(video.video_id, "ch", file)
        equal(api.get(video.video_id, "en").srclang, "en", "get")
        updated = api.update(video.video_id, "en", CaptionsUpdatePayload(default=True))
        equal(updated.default, True, "default caption")
        listed = api.list(video.video_id)
        equal(sorted(c.srclang for c in listed.data), ["ch", "en", "zh-Hans-CN"], "captions")
        api.delete(video.video_id, "en")
        expect_status(404, api.get, video.video_id, "en")
        self.videos.delete(video.video_id)

    def chapters(self):
        video = self.new_video("Chapters")
        api = ChaptersApi(self.client)
        with self.files.open("chapters.vtt", CHAPTERS) as file:
            chapter = api.upload(video.video_id, "en", file)
        equal(chapter.language, "en", "language")
        with self.files.open("chapters.vtt", CHAPTERS) as file:
            api.upload(video.video_id, "fr", file)
        equal(api.get(video.video_id, "fr").language, "fr", "get")
        equal(sorted(c.language for c in api.list(video.video_id).data), ["en", "fr"], "chapters")
        api.delete(video.video_id, "fr")
        expect_status(404, api.get, video.video_id, "fr")
        self.videos.delete(video.video_id)

    def watermarks(self):
        api = WatermarksApi(self.client)
        with self.files.open("watermark.png", png_1x1()) as file:
            watermark = api.upload(file)
        check(watermark.watermark_id, "watermark id")
        listed = api.list(sort_by="createdAt", sort_order="desc")
        check(any(w.watermark_id == watermark.watermark_id for w in listed.data), "listed watermark")
        video = self.new_video(
            "Watermarked",
            watermark=VideoWatermark(
                id=watermark.watermark_id, top="0px", left="0px", width="100px", height="100px"
            ),
        )
        self.videos.delete(video.video_id)
        api.delete(watermark.watermark_id)
        expect_status(404, api.delete, watermark.watermark_id)

    def player_themes(self):
        api = PlayerThemesApi(self.client)
        theme = api.create(PlayerThemeCreationPayload(name="Conformance", text="rgba(255, 255, 255, .95)"))
        check(theme.player_id, "player id")
        equal(api.get(theme.player_id).name, "Conformance", "get")
        # The colours api.video's Node test sends (test/sandbox.spec.ts, "Player themes").
        updated = api.update(
            theme.player_id,
            PlayerThemeUpdatePayload(
                name="Conformance 2",
                link="rgba(255, 0, 0, .95)",
                track_background="rgba(0, 0, 0, 0)",
                hide_title=True,
                force_loop=True,
            ),
        )
        equal(updated.name, "Conformance 2", "updated name")
        with self.files.open("logo.png", png_1x1()) as file:
            with_logo = api.upload_logo(theme.player_id, file, link="https://api.video")
        equal(with_logo.assets.link, "https://api.video", "logo link")
        check(with_logo.assets.logo, "logo URL")
        listed = api.list(sort_by="name", sort_order="asc")
        check(any(t.player_id == theme.player_id for t in listed.data), "listed theme")
        video = self.new_video("With a player", player_id=theme.player_id)
        equal(video.player_id, theme.player_id, "video's player")
        api.delete_logo(theme.player_id)
        api.delete(theme.player_id)
        self.videos.delete(video.video_id)

    # ------------------------------------------------------ live streams ---

    def live_streams(self):
        api = LiveStreamsApi(self.client)
        live = api.create(LiveStreamCreationPayload(name="Conformance live", public=False))
        check(live.stream_key, "stream key")
        equal(live.broadcasting, False, "broadcasting")
        equal(api.get(live.live_stream_id).name, "Conformance live", "get")
        updated = api.update(live.live_stream_id, LiveStreamUpdatePayload(name="Renamed", public=True))
        equal(updated.name, "Renamed", "updated name")
        listed = api.list(name="Renamed")
        check(any(s.live_stream_id == live.live_stream_id for s in listed.data), "listed live stream")
        with self.files.open("live.jpg", JPEG) as file:
            with_thumbnail = api.upload_thumbnail(live.live_stream_id, file)
        check(with_thumbnail.assets.thumbnail, "thumbnail URL")
        api.delete_thumbnail(live.live_stream_id)
        recorded = self.videos.list(live_stream_id=live.live_stream_id)
        equal(len(recorded.data), 0, "recordings before any broadcast")
        api.delete(live.live_stream_id)
        expect_status(404, api.get, live.live_stream_id)

    # ---------------------------------------------------------- webhooks ---

    def webhooks(self):
        api = WebhooksApi(self.client)
        webhook = api.create(
            WebhooksCreationPayload(
                events=["video.encoding.quality.completed", "live-stream.broadcast.started"],
                url="https://example.com/webhooks",
            )
        )
        check(webhook.webhook_id, "webhook id")
        check(webhook.signature_secret, "signature secret")
        equal(api.get(webhook.webhook_id).url, "https://example.com/webhooks", "get")
        listed = api.list(events="video.encoding.quality.completed")
        check(any(w.webhook_id == webhook.webhook_id for w in listed.data), "listed webhook")
        api.delete(webhook.webhook_id)
        expect_status(404, api.get, webhook.webhook_id)

    # --------------------------------------------------------- summaries ---

    def summaries(self):
        api = SummariesApi(self.client)
        video = self.new_video("Summarized")
        with self.files.open("summarized.mp4", sample(50_000, 21)) as file:
            self.videos.upload(video.video_id, file)
        self.playable(video.video_id)
        summary = api.create(SummaryCreationPayload(video_id=video.video_id, origin="auto"))
        check(summary.summary_id, "summary id")
        source = eventually(
            # Absent until generated: the model raises AttributeError for unset fields.
            lambda: getattr(api.get_summary_source(summary.summary_id), "abstract", None),
            "the generated summary",
        )
        check("Summarized" in source, "the abstract names the video")
        listed = api.list(video_id=video.video_id)
        equal([s.summary_id for s in listed.data], [summary.summary_id], "listed summary")
        edited = api.update(summary.summary_id, SummaryUpdatePayload(abstract="Written by hand."))
        equal(edited.abstract, "Written by hand.", "edited abstract")
        api.delete(summary.summary_id)
        self.videos.delete(video.video_id)

    # --------------------------------------------------------- analytics ---

    def analytics(self):
        api = AnalyticsApi(self.client)
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        since = now - datetime.timedelta(days=2)
        plays = api.get_aggregated_metrics("play", "count", _from=since, to=now)
        equal(plays.context.metric, "play", "metric")
        check(plays.data >= 0, "a count")
        watch = api.get_aggregated_metrics("watch-time", "average", filter_by={"deviceType": "phone"})
        equal(watch.context.aggregation, "average", "aggregation")
        breakdown = api.get_metrics_breakdown("play", "device-type", _from=since, page_size=2)
        equal(len(breakdown.data), 2, "page of a breakdown")
        check(all(row.dimension_value for row in breakdown.data), "dimension values")
        over_time = api.get_metrics_over_time("play", _from=since, to=now, interval="day")
        check(len(over_time.data) >= 2, "points over two days")
        expect_status(404, api.get_aggregated_metrics, "play", "peak")


# ------------------------------------------------------------------------ runner ---


JOURNEYS = [
    "authenticate_and_refresh",
    "videos_crud_tags_and_metadata",
    "tags",
    "upload_whole_file",
    "upload_chunks",
    "upload_from_nameless_stream",
    "progressive_upload",
    "upload_tokens",
    "upload_with_token",
    "progressive_upload_with_token",
    "chunked_upload_with_token",
    "thumbnails",
    "captions",
    "chapters",
    "watermarks",
    "player_themes",
    "live_streams",
    "webhooks",
    "summaries",
    "analytics",
    "background_refresh",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--simulator", help="path of the apivideo-simulator binary to start")
    source.add_argument("--base-url", help="base URL of a simulator already running")
    parser.add_argument("--api-key", default="conformance-key", help="the key it accepts")
    parser.add_argument("journeys", nargs="*", help="journeys to run (default: all)")
    args = parser.parse_args()
    unknown = set(args.journeys) - set(JOURNEYS)
    if unknown:
        parser.error(f"unknown journeys: {', '.join(sorted(unknown))}; known: {', '.join(JOURNEYS)}")

    print(f"api.video Python client {apivideo.__version__}")
    sim = Simulator(args.simulator, args.api_key) if args.simulator else Running(args.base_url, args.api_key)
    # A SIGTERM (a CI timeout, the driver stopped) still stops the simulator, and a run
    # that hangs ends after ten minutes instead of holding CI.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    def too_long(*_):
        raise TimeoutError("the conformance run took more than 10 minutes")

    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(600)
    files = Files()
    started = time.monotonic()
    failures = []
    try:
        refreshes = {"background": 0}
        configuration = Configuration(chunk_size=CHUNK_SIZE)
        client = AuthenticatedApiClient(sim.api_key, configuration=configuration)
        client.configuration.host = sim.base_url
        # Count the renewals of the client's background loop (AuthenticatedApiClient._refresh
        # calls self.refresh_token()); the journeys' own refreshes go around the counter.
        refresh = client.refresh_token

        def counted_refresh():
            refresh()
            refreshes["background"] += 1

        client.refresh_token = counted_refresh
        anonymous = ApiClient(Configuration(host=sim.base_url, chunk_size=CHUNK_SIZE))
        with client:
            journeys = Journeys(sim, client, anonymous, files, refreshes, refresh)
            for name in args.journeys or JOURNEYS:
                began = time.monotonic()
                try:
                    getattr(journeys, name)()
                    print(f"  ok    {name} ({time.monotonic() - began:.1f} s)")
                except Exception as error:  # noqa: BLE001 - every failure is reported
                    failures.append(name)
                    print(f"  FAIL  {name}: {error}")
                    body = getattr(error, "body", None)
                    if body:
                        print(f"        answer: {body}")
                    traceback.print_exc(limit=4)
    finally:
        files.remove()
        sim.stop()
    signal.alarm(0)
    ran = len(args.journeys or JOURNEYS)
    print(f"{ran - len(failures)}/{ran} journeys passed in {time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
