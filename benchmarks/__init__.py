"""polterm's benchmarks: each figure beside a reference measured in the same run (`make bench`)."""
