"""moto's server on 127.0.0.1 (port 0: a free one), for run.sh. Prints MOTO_ORACLE_READY <url>
once it listens, and stops when its standard input closes, so it cannot outlive the test run
that started it (the pipe closes when that process dies, too)."""
import sys

from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
host, port = server.get_host_and_port()
print(f"MOTO_ORACLE_READY http://{host}:{port}", flush=True)
sys.stdin.read()
server.stop()
