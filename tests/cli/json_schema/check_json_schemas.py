#!/usr/bin/env python3
"""This test verifies that what the built `reconcile` prints for `plan --json`
and `status --json` is what docs/plan.schema.json and docs/status.schema.json
say, in every situation the test driver can produce: creates pending,
problems (no pool; a domain reconcile did not create), starts, orphans, a
replacement held back, several hosts and a dark one, a converged cluster, and
a spec read from git (plan, status, and a watch's /status.json with a refused
commit).
Each situation is also checked to be the one meant (an orphan case that
printed no orphan proves nothing), and a few wrong documents prove that the
validator rejects what the schemas exclude.

Usage (from the repository root, as ctest runs it):
    check_json_schemas.py --reconcile build/cli/reconcile

Needs python3-jsonschema (Debian's 4.10.3 has draft 2020-12). Without it the
test is skipped, or fails under CI=true.
"""

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

try:
    import jsonschema
except ImportError:
    if os.environ.get("CI") == "true":
        print("FAILED: CI=true but python3-jsonschema is missing "
              "(scripts/install-deps.sh installs it)")
        sys.exit(1)
    print("[  SKIPPED ] python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(0)

REPO = os.getcwd()
FIXTURES = os.path.join(REPO, "tests/cli/hosts/fixtures")
DEAD_HOST = "qemu+unix:///system?socket=/nonexistent/reconcile-json-schema-test.sock"

failures = []


def fail(message):
    failures.append(message)
    print("FAILED: " + message)


def validator(name):
    with open(os.path.join(REPO, "docs", name)) as f:
        schema = json.load(f)
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)  # the schema itself is valid draft 2020-12
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        fail(f"docs/{name} does not declare draft 2020-12")
    return cls(schema)


PLAN = validator("plan.schema.json")
STATUS = validator("status.schema.json")


def errors_of(schema, doc):
    return ["/".join(str(p) for p in e.absolute_path) + ": " + e.message
            for e in schema.iter_errors(doc)]


class World:
    """A temporary HOME with an operator key, and spec files written into it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="reconcile-json-schema-")
        os.makedirs(os.path.join(self.dir, "home/.ssh"))
        with open(os.path.join(self.dir, "home/.ssh/id_ed25519.pub"), "w") as f:
            f.write("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorKeyForCliTests json-schema-test\n")

    def spec(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run(self, args):
        env = dict(os.environ, HOME=os.path.join(self.dir, "home"))
        env.pop("NO_COLOR", None)
        return subprocess.run([RECONCILE] + args, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def lab_spec(world, name, prune):
    with open(os.path.join(REPO, "specs/lab.yaml")) as f:
        text = f.read()
    if not prune:
        text = text.replace("prune: true", "prune: false")
    return world.spec(name, text)


def hosts_spec(world, name, hosts, web, max_unavailable=2):
    """Like tests/cli/hosts/hosts_spec_file.h: web and db on the fixtures' pool."""
    lines = ["cluster: lab", "hypervisors:"]
    for host, uri in hosts:
        lines.append(f'  - {{name: {host}, uri: "{uri}", network: lab, pool: rcl}}')
    lines += ["images:", "  base: {disk: /rcl-pool/base.qcow2, seed: false}", "groups:",
              f"  web: {{count: {web}, image: base, memory: 256MiB, max_unavailable: {max_unavailable}}}",
              "  db: {count: 1, image: base, memory: 256MiB}", ""]
    return world.spec(name, "\n".join(lines))


class Repo:
    """A git repository in the world, driven by the git CLI: the --git cases."""

    def __init__(self, world):
        self.path = os.path.join(world.dir, "repo")
        self.git("init", "-q", "-b", "main", self.path, cwd=world.dir)

    def git(self, *args, cwd=None):
        return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@localhost",
                               "-c", "commit.gpgsign=false"] + list(args),
                              cwd=cwd or self.path, check=True, capture_output=True, text=True).stdout

    def commit(self, name, text, message):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(text)
        self.git("add", name)
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


class Watch:
    """`reconcile watch ARGS --listen 127.0.0.1:0` for a `with` block, and
    its /status.json."""

    def __init__(self, world, args):
        self.args, self.port, self.doc = args, None, None
        self.log_path = os.path.join(world.dir, "watch.log")
        env = dict(os.environ, HOME=os.path.join(world.dir, "home"))
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen([RECONCILE, "watch"] + args + ["--listen", "127.0.0.1:0"],
                                            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def status_when(self, done, seconds=30):
        """Polls /status.json until done(doc) holds: that document, or None
        (and a failure) after `seconds`."""
        deadline, log = time.monotonic() + seconds, ""
        while time.monotonic() < deadline:
            time.sleep(0.1)
            with open(self.log_path) as f:
                log = f.read()
            if self.port is None:
                found = re.search(r"serving .* on 127\.0\.0\.1:([0-9]+)", log)
                self.port = found and found.group(1)
                continue
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status.json", timeout=5) as r:
                    self.doc = json.load(r)
            except (OSError, ValueError):
                continue
            if done(self.doc):
                return self.doc
        fail(f"watch {' '.join(self.args)}: /status.json never showed what was awaited; "
             f"last {json.dumps(self.doc)}\n{log}")
        return None


def fixture(name):
    return "test://" + os.path.join(FIXTURES, name)


def check(world, case, args, schema, exit_code, expect):
    """Runs `reconcile ARGS`, validates its JSON, and checks the situation."""
    run = world.run(args)
    label = f"{case}: reconcile {' '.join(args)}"
    if run.returncode != exit_code:
        fail(f"{label}: exit {run.returncode}, expected {exit_code}\n{run.stdout}{run.stderr}")
    try:
        doc = json.loads(run.stdout)
    except ValueError as e:
        fail(f"{label}: not JSON ({e}):\n{run.stdout}{run.stderr}")
        return None
    errors = errors_of(schema, doc)
    for error in errors:
        fail(f"{label}: {error}")
    for what, ok in expect(doc):
        if not ok:
            fail(f"{label}: expected {what}:\n{json.dumps(doc, indent=2)}")
    if not errors:
        print(f"ok: {label}")
    return doc


def states(doc):
    return [n["state"] for n in doc["nodes"]]


def main():
    world = World()
    docs = {}
    try:
        host = "test://" + os.path.join(REPO, "specs/testdriver-host.xml")
        # Creates pending: an empty host with the spec's pool and network.
        docs["plan"] = check(world, "creates pending", ["plan", "--json", "specs/lab.yaml", "--connect", host],
                             PLAN, 0, lambda d: [("creates", d["summary"]["create"] == 3),
                                                 ("not converged", d["converged"] is False)])
        docs["status"] = check(world, "creates pending", ["status", "--json", "specs/lab.yaml", "--connect", host],
                               STATUS, 2, lambda d: [("every node missing", states(d) == ["missing"] * 3)])

        # Problems: test:///default has no pool "default", so no node can be made.
        for command, schema in (("plan", PLAN), ("status", STATUS)):
            check(world, "problems", [command, "--json", "specs/lab.yaml", "--connect", "test:///default"],
                  schema, 1, lambda d: [("a problem per node", len(d["problems"]) == 3)])

        # Converged: nothing in the spec, nothing owned on test:///default.
        empty = world.spec("empty.yaml", "cluster: lab\n"
                           "hypervisor: {uri: 'test:///default', network: default, pool: default-pool}\n"
                           "images: {base: {disk: /base.qcow2}}\n"
                           "groups: {web: {count: 0, image: base}}\n")
        check(world, "converged", ["plan", "--json", empty], PLAN, 0,
              lambda d: [("converged", d["converged"] is True)])
        check(world, "converged", ["status", "--json", empty], STATUS, 0,
              lambda d: [("converged", d["converged"] is True), ("no nodes", d["nodes"] == [])])

        # Orphans, a running node that cannot answer, a shut-off one, and a
        # domain reconcile did not create; prune off.
        world_xml = "test://" + os.path.join(REPO, "tests/cli/json_schema/world.xml")
        spec = lab_spec(world, "lab-no-prune.yaml", prune=False)
        check(world, "orphans and problems", ["plan", "--json", spec, "--connect", world_xml], PLAN, 1,
              lambda d: [("an orphan", d["orphans"] == ["lab-member-3"]),
                         ("replacements (older image hashes)", d["summary"]["replace"] == 2),
                         ("a problem", len(d["problems"]) == 1)])
        docs["status_orphans"] = check(
            world, "orphans and problems", ["status", "--json", spec, "--connect", world_xml], STATUS, 1,
            lambda d: [("states", states(d) == ["unreachable", "shut_off", "unmanaged"]),
                       ("an orphan", d["orphans"] == ["lab-member-3"])])
        # The same with prune on: the orphan becomes a delete.
        check(world, "prune", ["plan", "--json", "specs/lab.yaml", "--connect", world_xml], PLAN, 1,
              lambda d: [("a delete", d["summary"]["delete"] == 1), ("no orphan", d["orphans"] == [])])

        # Several hosts: a node on h2 from an older image is replaced there;
        # with max_unavailable 1 the replacement waits for the missing one.
        two = [("h1", fixture("host1.xml")), ("h2", fixture("host2-web1.xml"))]
        spec = hosts_spec(world, "two-hosts.yaml", two, web=2)
        docs["plan_hosts"] = check(world, "several hosts", ["plan", "--json", spec], PLAN, 0,
                                   lambda d: [("a replace on h2", any(a["kind"] == "replace" and a.get("host") == "h2"
                                                                      for a in d["actions"]))])
        check(world, "several hosts", ["status", "--json", spec], STATUS, 2,
              lambda d: [("two hosts", [h["name"] for h in d.get("hosts", [])] == ["h1", "h2"]),
                         ("hosts on nodes", all("host" in n for n in d["nodes"]))])
        spec = hosts_spec(world, "deferred.yaml", two, web=2, max_unavailable=1)
        for command, schema in (("plan", PLAN), ("status", STATUS)):
            check(world, "deferred", [command, "--json", spec], schema, 0 if command == "plan" else 2,
                  lambda d: [("a deferred replacement", len(d["deferred"]) == 1)])
        dark = [("h1", fixture("host1.xml")), ("h3", DEAD_HOST)]
        spec = hosts_spec(world, "dark-host.yaml", dark, web=2)
        check(world, "a dark host", ["plan", "--json", spec], PLAN, 1,
              lambda d: [("a host problem", any(p.get("host") == "h3" for p in d["problems"]))])
        check(world, "a dark host", ["status", "--json", spec], STATUS, 1,
              lambda d: [("unknown nodes", states(d) == ["unknown"] * 3),
                         ("h3 unreachable", d["hosts"][1]["reachable"] is False and "error" in d["hosts"][1])])

        # The spec from git: plan and status name the commit; a watch whose
        # tip does not load shows the refusal beside the commit it keeps.
        def revision(doc):
            return doc.get("revision") or {}

        repo = Repo(world)
        good = repo.commit("lab.yaml", open(empty).read(), "an empty lab")
        git = ["--git", repo.path, "--branch", "main", "--path", "lab.yaml",
               "--state-dir", os.path.join(world.dir, "state")]
        docs["plan_git"] = check(world, "from git", ["plan", "--json"] + git, PLAN, 0,
                                 lambda d: [("the commit", revision(d).get("desired") == good),
                                            ("nothing applied", revision(d).get("applied") is None)])
        check(world, "from git", ["status", "--json"] + git, STATUS, 0,
              lambda d: [("the commit", revision(d).get("seen") == good)])
        with Watch(world, git + ["--interval", "1h", "--git-poll", "1s",
                                 "--lock-dir", os.path.join(world.dir, "locks")]) as watch:
            doc = watch.status_when(lambda d: revision(d).get("applied") == good)
            if doc is not None:
                bad = repo.commit("lab.yaml", "cluster: lab\ngroups: {web: {cuont: 1}}\n", "a typo")
                doc = watch.status_when(lambda d: revision(d).get("refused") is not None)
        if doc is not None:
            docs["status_git"] = doc
            errors = errors_of(STATUS, doc)
            for error in errors:
                fail(f"watch --git /status.json: {error}")
            taken = doc["revision"]
            if taken["refused"]["commit"] != bad or taken["seen"] != bad or taken["desired"] != good:
                fail(f"watch --git /status.json: expected {bad} refused and seen, {good} desired: {taken}")
            elif not errors:
                print("ok: watch --git /status.json with a refused commit")
    finally:
        world.close()

    # The validator rejects what the schemas exclude: each mutation of a
    # document that passed must fail.
    def mutate(doc, change):
        wrong = copy.deepcopy(doc)
        change(wrong)
        return wrong

    wrong_documents = []
    if docs.get("plan") and docs.get("plan_hosts"):
        plan, hosts = docs["plan"], docs["plan_hosts"]
        wrong_documents += [
            (PLAN, "an unknown top-level key", mutate(plan, lambda d: d.update(extra=1))),
            (PLAN, "no format_version", mutate(plan, lambda d: d.pop("format_version"))),
            (PLAN, "format_version 2", mutate(plan, lambda d: d.update(format_version="2"))),
            (PLAN, "format_version as a number", mutate(plan, lambda d: d.update(format_version=1))),
            (PLAN, "an unknown action kind", mutate(plan, lambda d: d["actions"][0].update(kind="reboot"))),
            (PLAN, "depends_on as a string", mutate(plan, lambda d: d["actions"][3].update(depends_on="0"))),
            (PLAN, "a configure without its role", mutate(plan, lambda d: d["actions"][3].pop("role"))),
            (PLAN, "a role on a create", mutate(plan, lambda d: d["actions"][0].update(role="leader"))),
            (PLAN, "a host on a configure", mutate(plan, lambda d: d["actions"][3].update(host="h1"))),
            (PLAN, "an empty host", mutate(hosts, lambda d: d["actions"][0].update(host=""))),
            (PLAN, "converged with actions", mutate(plan, lambda d: d.update(converged=True))),
            (PLAN, "not converged with nothing to do",
             mutate(plan, lambda d: d.update(actions=[], converged=False))),
            (PLAN, "a summary without delete", mutate(plan, lambda d: d["summary"].pop("delete"))),
            (PLAN, "a problem without a message", mutate(plan, lambda d: d["problems"].append({"node": "x"}))),
        ]
    if docs.get("status") and docs.get("status_orphans"):
        status, orphans = docs["status"], docs["status_orphans"]
        wrong_documents += [
            (STATUS, "the table's word for a state",
             mutate(orphans, lambda d: d["nodes"][1].update(state="shut off"))),
            (STATUS, "an unknown state", mutate(status, lambda d: d["nodes"][0].update(state="booting"))),
            (STATUS, "a node without converged", mutate(status, lambda d: d["nodes"][0].pop("converged"))),
            (STATUS, "a converged node with drift", mutate(status, lambda d: d["nodes"][0].update(converged=True))),
            (STATUS, "converged with a problem", mutate(orphans, lambda d: [
                d.update(converged=True), [n.update(converged=True, drift=[]) for n in d["nodes"]]])),
            (STATUS, "an unknown key on a node", mutate(status, lambda d: d["nodes"][0].update(uuid="x"))),
            (STATUS, "address null", mutate(status, lambda d: d["nodes"][0].update(address=None))),
            (STATUS, "no cluster", mutate(status, lambda d: d.pop("cluster"))),
            (STATUS, "an unreachable host without its error", mutate(status, lambda d: d.update(hosts=[
                {"name": "h1", "reachable": True, "nodes": []},
                {"name": "h2", "reachable": False, "nodes": []}]))),
        ]
    else:
        fail("no documents to mutate: the cases above did not produce them")
    if docs.get("plan_git") and docs.get("status_git"):
        plan_git, status_git = docs["plan_git"], docs["status_git"]
        wrong_documents += [
            (PLAN, "a short commit", mutate(plan_git, lambda d: d["revision"].update(desired="abc123"))),
            (PLAN, "a revision without applied", mutate(plan_git, lambda d: d["revision"].pop("applied"))),
            (PLAN, "an unknown key in revision", mutate(plan_git, lambda d: d["revision"].update(token="x"))),
            (STATUS, "a refusal without its error",
             mutate(status_git, lambda d: d["revision"]["refused"].pop("error"))),
            (STATUS, "a refusal as a string", mutate(status_git, lambda d: d["revision"].update(refused="x"))),
        ]
    else:
        fail("no --git documents to mutate: the cases above did not produce them")
    for schema, what, doc in wrong_documents:
        if not errors_of(schema, doc):
            fail(f"the schema accepts a document with {what}")
        else:
            print(f"ok: rejected: {what}")

    if failures:
        print(f"{len(failures)} failed")
        return 1
    print("all documents match their schemas")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--reconcile", required=True)
    RECONCILE = os.path.abspath(parser.parse_args().reconcile)
    sys.exit(main())
