#!/usr/bin/env python3
"""End-to-end tests of the hangup command: errors for bad input, replay
verdicts, JSON output, and Ctrl-C during an exploration losing no finding
already reported.

Usage: cli_test.py HANGUP_BINARY SOURCE_DIR
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HANGUP = None
SOURCE = None


def run(*args, timeout=120):
    p = subprocess.run([HANGUP] + list(args), capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


class BadInput(unittest.TestCase):
    def test_unknown_server_names_it_and_lists_the_choices(self):
        rc, out, err = run("run", "--server=uvicorn-9", "--app=sse-stream", "--client=http-full")
        self.assertEqual(rc, 2)
        self.assertIn("unknown server 'uvicorn-9'", err)
        self.assertIn("uvicorn-0.17.6-h11", err)

    def test_unknown_policy_value_names_the_field_and_the_values(self):
        rc, out, err = run("run", "--server=ref-noop", "--app=sse-stream", "--client=http-full",
                           "--send-after-close=maybe")
        self.assertEqual(rc, 2)
        self.assertIn("send-after-close", err)
        self.assertIn("noop, raise", err)

    def test_unknown_command(self):
        rc, out, err = run("frobnicate")
        self.assertEqual(rc, 2)
        self.assertIn("unknown command 'frobnicate'", err)

    def test_bad_token(self):
        rc, out, err = run("replay", "hangup1:server=ref-noop,app=sse-stream,client=http-full:0z")
        self.assertEqual(rc, 2)
        self.assertIn("non-hex character", err)

    def test_malformed_corpus_file_names_the_file_and_the_field(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.json")
            with open(path, "w") as f:
                json.dump({"format": "hangup-corpus/1", "name": "bad", "title": "t",
                           "link": "l", "scenario": "server=ref-noop,app=sse-stream,client=http-full",
                           "tape": "", "expect": {"property": 3}}, f)
            rc, out, err = run("replay", path)
            self.assertEqual(rc, 2)
            self.assertIn("bad.json", err)
            self.assertIn("expect.property", err)

    def test_missing_file(self):
        rc, out, err = run("replay", "/nonexistent/x.json")
        self.assertEqual(rc, 2)
        self.assertIn("cannot read", err)


class Replay(unittest.TestCase):
    def corpus_file(self, name):
        return os.path.join(SOURCE, "corpus", name)

    def test_corpus_file_replays_as_expected(self):
        rc, out, err = run("replay", self.corpus_file("uvicorn-997-wsproto-fin-no-disconnect.json"))
        self.assertEqual(rc, 0, out + err)
        self.assertIn("verdict: as expected", out)
        self.assertIn("reproduce: hangup replay hangup1:", out)

    def test_a_different_verdict_exits_non_zero(self):
        with open(self.corpus_file("uvicorn-997-wsproto-fin-no-disconnect.json")) as f:
            entry = json.load(f)
        entry["scenario"] = entry["fixed_scenario"]  # the fixed server does not break it
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.json")
            with open(path, "w") as f:
                json.dump(entry, f)
            rc, out, err = run("replay", path)
            self.assertEqual(rc, 1)
            self.assertIn("DIFFERS", out)

    def test_json_output_is_parseable_and_has_the_outcome(self):
        rc, out, err = run("replay", "--json", self.corpus_file("asgiref-405-websockets-connectionclosedok.json"))
        self.assertEqual(rc, 0)
        j = json.loads(out)
        self.assertTrue(j["as_expected"])
        self.assertEqual(j["violations"][0]["property"], "foreign-exception")
        self.assertIn("sends", j["outcome"])

    def test_run_prints_the_same_hash_twice(self):
        args = ["run", "--json", "--seed=7", "--server=daphne-4.0.0", "--app=ws-tight-push",
                "--client=ws-close-at-random"]
        a = json.loads(run(*args)[1])
        b = json.loads(run(*args)[1])
        self.assertEqual(a["trace_hash"], b["trace_hash"])
        rc, out, err = run("replay", "--json", a["token"])
        self.assertEqual(json.loads(out)["trace_hash"], a["trace_hash"])

    def test_list_json(self):
        rc, out, err = run("list", "--json")
        self.assertEqual(rc, 0)
        j = json.loads(out)
        for key in ("servers", "apps", "middleware", "clients", "properties", "strategies"):
            self.assertTrue(j[key], key)


class Interrupt(unittest.TestCase):
    def test_ctrl_c_loses_no_finding_already_reported(self):
        out_dir = tempfile.mkdtemp()
        try:
            p = subprocess.Popen([HANGUP, "explore", "--time=120", "--jobs=2", "--out=" + out_dir],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            reported = []
            deadline = time.time() + 60
            while time.time() < deadline and len(reported) < 3:
                line = p.stderr.readline()
                if not line:
                    break
                m = re.match(r"FINDING (\S+) \[(.*)\] in (\S+) \(run", line)
                if m:
                    reported.append(m.groups())
            self.assertGreaterEqual(len(reported), 3, "no findings reported")
            p.send_signal(signal.SIGINT)
            stdout, stderr = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 1)  # findings were found
            self.assertIn("stopped early", stdout)
            files = [os.path.join(out_dir, f) for f in os.listdir(out_dir) if f.endswith(".json")]
            self.assertGreaterEqual(len(files), len(reported))
            written = set()
            for path in files:
                with open(path) as f:
                    entry = json.load(f)
                written.add((entry["expect"]["property"], entry["expect"]["signature"], entry["scenario"]))
                rc, out, err = run("replay", path)
                self.assertEqual(rc, 0, path + "\n" + out[-1500:] + err)
            for prop, sig, scenario in reported:
                self.assertIn((prop, sig, scenario), written)
            for name in os.listdir(out_dir):
                self.assertNotIn(".tmp.", name)  # atomic writes leave no temporaries
        finally:
            shutil.rmtree(out_dir)


if __name__ == "__main__":
    HANGUP, SOURCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
