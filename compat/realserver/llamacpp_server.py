"""Runs llama.cpp's own HTTP server (llama-server, through the xllamacpp bindings from PyPI) on
127.0.0.1 for the real-server suite. Run it with the xllamacpp venv's python (compat/realserver/run.sh).

    python llamacpp_server.py --model M.gguf --port 8080 [--alias smollm2] [--ctx 4096]
        [--parallel 2] [--template-file T.jinja] [--reasoning-format deepseek] [--embedding]

Prints one line, "llama.cpp server ready on http://127.0.0.1:PORT (...)", once it answers
/health, then serves until SIGTERM or SIGINT. xllamacpp's Server starts the HTTP server in
background threads as soon as it is constructed; its destructor can hang, so a signal ends the
process at once with os._exit.
"""

import argparse
import json
import os
import signal
import sys
import time
import urllib.request

import xllamacpp as x

REASONING_FORMATS = {
    "none": "COMMON_REASONING_FORMAT_NONE",
    "auto": "COMMON_REASONING_FORMAT_AUTO",
    "deepseek": "COMMON_REASONING_FORMAT_DEEPSEEK",
    "deepseek-legacy": "COMMON_REASONING_FORMAT_DEEPSEEK_LEGACY",
}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="path of the GGUF file")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--alias", default="smollm2", help="the model name the server reports and answers to")
    ap.add_argument("--ctx", type=int, default=4096, help="total context, shared by the slots")
    ap.add_argument("--parallel", type=int, default=2, help="slots (requests served at once)")
    ap.add_argument("--threads", type=int, default=1, help="CPU threads for generation and batches")
    ap.add_argument("--template-file", help="a Jinja chat template replacing the model's own")
    ap.add_argument("--reasoning-format", choices=sorted(REASONING_FORMATS), default="deepseek",
                    help="how <think> output is returned (deepseek: as reasoning_content)")
    ap.add_argument("--embedding", action="store_true", help="serve embeddings (mean pooling)")
    return ap.parse_args(argv)


def params(args):
    p = x.CommonParams()
    p.model.path = args.model
    p.model_alias = {args.alias}
    p.n_ctx = args.ctx
    p.n_parallel = args.parallel
    p.hostnames = ["127.0.0.1"]
    p.port = args.port
    for cpu in (p.cpuparams, p.cpuparams_batch):
        cpu.n_threads = args.threads
        cpu.poll = 0  # no busy-waiting between batches: the machine is shared with the JVMs
    p.n_threads_http = 4
    p.warmup = False
    p.use_jinja = True
    p.reasoning_format = getattr(x.common_reasoning_format, REASONING_FORMATS[args.reasoning_format])
    if args.template_file:
        with open(args.template_file, encoding="utf-8") as f:
            p.chat_template = f.read()
    if args.embedding:
        p.embedding = True
        p.pooling_type = x.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
    return p


def wait_ready(port, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=2) as res:
                if res.status == 200 and json.loads(res.read()).get("status") == "ok":
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("llama.cpp server did not become healthy on port %d within %d s" % (port, seconds))
        time.sleep(0.1)


def main(argv):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    signal.signal(signal.SIGINT, lambda *a: os._exit(0))
    if not os.path.isfile(args.model):
        raise SystemExit("model file not found: " + args.model)
    server = x.Server(params(args))  # serves from background threads from here on
    wait_ready(args.port)
    print("llama.cpp server ready on http://127.0.0.1:%d (model %s, alias %s, xllamacpp %s%s%s)" % (
        args.port, os.path.basename(args.model), args.alias, x.__version__,
        ", template " + os.path.basename(args.template_file) if args.template_file else "",
        ", embedding" if args.embedding else ""), flush=True)
    while True:
        time.sleep(3600)
    del server


if __name__ == "__main__":
    main(sys.argv[1:])
