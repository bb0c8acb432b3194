#!/usr/bin/python3
"""stallproxy.py - a TCP relay to a xapian-tcpsrv that can be told to stall.

    stallproxy.py PORTFILE TARGET_PORT STALLFILE

Listens on 127.0.0.1 (a free port, written to PORTFILE once listening) and
relays every connection to 127.0.0.1:TARGET_PORT, both ways.  While the file
STALLFILE exists it relays nothing more, on connections open or new, but
keeps them open: a shard server that stops answering in the middle of a
search (a hung machine, a lost route), which a refused connection does not
show.  Used by tests/e2e/shards.sh; stops on SIGTERM.
"""
import os
import select
import socket
import sys
import threading


def relay(client, target_port, stallfile):
    try:
        server = socket.create_connection(("127.0.0.1", target_port))
    except OSError:
        client.close()
        return
    peer = {client: server, server: client}
    try:
        while True:
            if os.path.exists(stallfile):
                select.select([], [], [], 0.05)
                continue
            ready, _, _ = select.select(list(peer), [], [], 0.05)
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                peer[s].sendall(data)
    except OSError:
        pass
    finally:
        client.close()
        server.close()


def main():
    portfile, target, stallfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        client, _ = ls.accept()
        threading.Thread(target=relay, args=(client, target, stallfile), daemon=True).start()


if __name__ == "__main__":
    main()
