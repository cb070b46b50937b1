"""Run one command and print its wall time, CPU time and peak memory as JSON.

A fresh process per measurement, so ``ru_maxrss`` of its children is the
peak of exactly that command.
"""

import json
import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    start = time.perf_counter()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib = children.ru_maxrss
    print(
        json.dumps(
            {
                "wall": wall,
                "peak_mib": peak_kib / 1024,
                "cpu": children.ru_utime + children.ru_stime,
                "returncode": result.returncode,
                "stderr": result.stderr.decode(errors="replace")[-2000:],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
