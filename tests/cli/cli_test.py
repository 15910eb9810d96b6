#!/usr/bin/env python3
"""End-to-end tests of the hangup command: errors for bad input, replay
verdicts, JSON output, shrinking, --out files that do not depend on --jobs, a
time budget that still shrinks, and Ctrl-C during an exploration losing no
finding already reported.

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

    def test_unknown_property_is_bad_input_for_every_command(self):
        corpus = os.path.join(SOURCE, "corpus", "hypercorn-50-fin-no-disconnect.json")
        scenario = "--scenario=server=ref-noop,app=sse-stream,client=http-full"
        for args in (["replay", corpus], ["shrink", corpus], ["run", scenario],
                     ["explore", scenario, "--runs=1"]):
            rc, out, err = run(*args, "--properties=bogus")
            self.assertEqual(rc, 2, args)
            self.assertIn("unknown property 'bogus'", err, args)

    def test_run_rejects_dfs_and_names_every_strategy_it_takes(self):
        rc, out, err = run("run", "--strategy=dfs", "--server=ref-noop", "--app=sse-stream",
                           "--client=http-full")
        self.assertEqual(rc, 2)
        self.assertIn("random, pct or swarm", err)


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

    def test_run_takes_every_strategy_list_offers_but_dfs(self):
        rc, out, err = run("list", "--json")
        names = [s["name"] for s in json.loads(out)["strategies"]]
        self.assertIn("swarm", names)
        for name in names:
            if name == "dfs":
                continue
            rc, out, err = run("run", "--json", "--strategy=" + name, "--seed=3",
                               "--server=daphne-4.0.0", "--app=ws-tight-push",
                               "--client=ws-close-at-random")
            self.assertEqual(rc, 0, name + ": " + err)
            token = json.loads(out)["token"]
            rc, again, err = run("replay", "--json", token)
            self.assertEqual(json.loads(again)["trace_hash"], json.loads(out)["trace_hash"])

    def test_shrink_json(self):
        token = ("hangup1:server=uvicorn-0.28.0,app=stream-taskgroup,"
                 "client=http-close-at-random:0000010101")
        rc, out, err = run("shrink", "--json", token)
        self.assertEqual(rc, 0, err)
        j = json.loads(out)
        self.assertLessEqual(j["tape_bytes"], j["unshrunk_tape_bytes"])
        rc, out, err = run("replay", "--json", j["reproduce"].split()[-1])
        self.assertEqual(json.loads(out)["trace_hash"], j["trace_hash"])

    def test_shrink_of_a_tape_without_the_violation_says_so(self):
        rc, out, err = run("shrink", "hangup1:server=ref-noop,app=sse-stream,client=http-full:")
        self.assertEqual(rc, 1)
        self.assertIn("violates no property: nothing to shrink", err)

    def test_list_json(self):
        rc, out, err = run("list", "--json")
        self.assertEqual(rc, 0)
        j = json.loads(out)
        for key in ("servers", "apps", "middleware", "clients", "properties", "strategies"):
            self.assertTrue(j[key], key)

    def test_list_shows_each_program_file_and_its_parameters(self):
        rc, out, err = run("list", "--json")
        self.assertEqual(rc, 0)
        clients = {c["name"]: c for c in json.loads(out)["clients"]}
        ws_close = clients["ws-close-1000"]
        self.assertEqual(ws_close["file"], "catalog/clients/ws-close-1000.yaml")
        self.assertEqual(ws_close["params"]["code"], "1000")
        self.assertEqual(ws_close["params"]["reason"], "")
        # Every listed file is in the tree, and every parameter it lists is
        # one the command line takes.
        for c in clients.values():
            self.assertTrue(os.path.exists(os.path.join(SOURCE, c["file"])), c["file"])
        rc, out, err = run("list")
        self.assertIn("params: messages=1, close=frame, code=1000, reason='', stall=0ms", out)
        rc, out, err = run("run", "--server=uvicorn-0.17.6-websockets", "--app=ws-push",
                           "--client=ws-close-1000:code=4001,reason=bye")
        self.assertEqual(rc, 0, err)
        self.assertIn("close frame 4001", out)


class Explore(unittest.TestCase):
    SCENARIO = "--scenario=server=uvicorn-0.28.0,app=stream-taskgroup,client=http-close-at-random"

    def test_out_files_do_not_depend_on_jobs(self):
        # With two jobs a later chunk may report a key first; the file must
        # still hold the earliest run, as with one job.
        dirs = [tempfile.mkdtemp(), tempfile.mkdtemp()]
        try:
            for jobs, d in zip((1, 2), dirs):
                rc, out, err = run("explore", self.SCENARIO, "--seed=5", "--runs=2000",
                                   "--no_shrink", "--jobs=%d" % jobs, "--out=" + d)
                self.assertEqual(rc, 1, err)
            names = sorted(os.listdir(dirs[0]))
            self.assertTrue(names)
            self.assertEqual(names, sorted(os.listdir(dirs[1])))
            for name in names:
                with open(os.path.join(dirs[0], name)) as a, open(os.path.join(dirs[1], name)) as b:
                    self.assertEqual(a.read(), b.read(), name)
        finally:
            for d in dirs:
                shutil.rmtree(d)

    def test_a_time_budget_still_shrinks(self):
        rc, out, err = run("explore", self.SCENARIO, "--time=0.5", "--json")
        self.assertEqual(rc, 1, err)
        j = json.loads(out)
        self.assertTrue(j["stopped_early"])
        self.assertTrue(j["findings"])
        for f in j["findings"]:
            self.assertTrue(f["shrunk"], f)
        self.assertTrue(any(f["tape_bytes"] < f["unshrunk_tape_bytes"] for f in j["findings"]))


class ScenarioFiles(unittest.TestCase):
    """run, explore and replay take scenario files; tokens and corpus files
    made from them replay them, and a changed file is reported."""

    TEXT = """format: hangup-scenario/1
server: ref-noop
app: sse-stream
client: http-fin-after-1
properties: [zombie]
expect:
  - {name: ends-fast, app-ends-within: 10ms}
"""

    def write(self, d, text=None, name="s.yaml"):
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(self.TEXT if text is None else text)
        return path

    def test_run_reports_an_expectation_and_its_token_replays_it(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d)
            rc, out, err = run("run", path, "--json")
            self.assertEqual(rc, 0, err)
            j = json.loads(out)
            self.assertTrue(j["failure"].startswith("ends-fast [late]"), j["failure"])
            self.assertIn("file=" + path + "@", j["token"])
            rc, out, err = run("replay", j["token"], "--json")
            self.assertEqual(rc, 0, err)
            self.assertEqual(json.loads(out)["trace_hash"], j["trace_hash"])
            # The file changes: the token no longer replays it.
            with open(path, "a") as f:
                f.write("# changed\n")
            rc, out, err = run("replay", j["token"])
            self.assertEqual(rc, 2)
            self.assertIn("the file changed since the token was made", err)

    def test_explore_writes_self_contained_corpus_files(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d)
            outdir = os.path.join(d, "out")
            rc, out, err = run("explore", path, "--runs=50", "--jobs=1",
                               "--out=" + outdir, "--json")
            self.assertEqual(rc, 1, err)
            names = [f["property"] for f in json.loads(out)["findings"]]
            self.assertEqual(names, ["ends-fast"])
            files = os.listdir(outdir)
            self.assertEqual(len(files), 1, files)
            os.remove(path)  # the corpus file embeds the scenario file
            rc, out, err = run("replay", os.path.join(outdir, files[0]))
            self.assertEqual(rc, 0, err + out)
            self.assertIn("verdict: as expected", out)

    def test_a_malformed_file_is_bad_input_naming_line_column_and_field(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d, self.TEXT.replace("app: sse-stream", "app: sse-steam"))
            for command in ("run", "explore"):
                rc, out, err = run(command, path)
                self.assertEqual(rc, 2, command)
                self.assertIn(path + ":3:6: field 'app': unknown app 'sse-steam'", err)
                self.assertIn("did you mean 'sse-stream'?", err)

    def test_malformed_programs_are_bad_input_for_every_command(self):
        # An inline app, client and middleware, each with one mistake.
        head = "format: hangup-scenario/1\nserver: ref-noop\n"
        cases = [
            (head + "client: http-full\napp:\n  steps:\n    - sned: {type: http.response.start}\n",
             ":6:7: field 'app.steps[0]': expected a step"),
            (head + "app: sse-stream\nclient:\n  steps:\n    - request\n    - read: {body-chunks: -1}\n",
             ":7:27: field 'client.steps[1].read.body-chunks': expected a count from 0 to 1000000"),
            (head + "app: sse-stream\nclient: http-full\nmiddleware:\n  - steps: [reraise]\n",
             ":6:13: field 'middleware[0].steps[0].reraise': a reraise stands only in an except"),
        ]
        with tempfile.TemporaryDirectory() as d:
            for i, (text, message) in enumerate(cases):
                path = self.write(d, text, name=f"bad{i}.yaml")
                for command in ("run", "explore"):
                    rc, out, err = run(command, path)
                    self.assertEqual(rc, 2, (command, err))
                    self.assertIn(path + message, err)
                    self.assertEqual(out, "")


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
