#!/usr/bin/env python3
"""Python peers of the peers benchmark: PyTorch and scikit-learn on Fashion-MNIST.

Usage: peers.py <torch|sklearn> <softmax|mlp> <data-dir> <epochs> <seed>
<data-dir> holds train-x.f32 (rows x 784 float32, pixels scaled to [0, 1]), train-y.i32, test-x.f32 and test-y.i32,
written by the benchmark so every peer trains on the same bytes. Prints one JSON object on the last line of stdout:
{"peer": ..., "epochs": [{"epoch": n, "seconds": cumulative training seconds, "accuracy": held-out accuracy}], ...}.
Evaluation is excluded from "seconds", as it is for OrleansML's own figures.
"""
import json
import sys
import time

import numpy as np

FEATURES = 784


def load(directory):
    def pair(name):
        x = np.fromfile(f"{directory}/{name}-x.f32", dtype=np.float32).reshape(-1, FEATURES)
        y = np.fromfile(f"{directory}/{name}-y.i32", dtype=np.int32)
        return x, y

    return pair("train") + pair("test")


def run_torch(task, data, epochs, seed):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    train_x, train_y, test_x, test_y = (torch.from_numpy(a) for a in data)
    train_y, test_y = train_y.long(), test_y.long()
    if task == "softmax":
        model = torch.nn.Linear(FEATURES, 10)
        learning_rate = 0.002
    else:
        model = torch.nn.Sequential(torch.nn.Linear(FEATURES, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        learning_rate = 0.002
    batch = 128
    steps = epochs * ((len(train_x) + batch - 1) // batch)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    loss_function = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    history, trained = [], 0.0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(train_x), generator=generator)
        model.train()
        for first in range(0, len(train_x), batch):
            rows = order[first:first + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(model(train_x[rows]), train_y[rows])
            loss.backward()
            optimizer.step()
            schedule.step()
        trained += time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
        history.append({"epoch": epoch, "seconds": trained, "accuracy": accuracy})
    return {"peer": f"pytorch-{torch.__version__}-1thread", "epochs": history}


def blas_description():
    try:
        from threadpoolctl import threadpool_info
        pools = [f"{p.get('internal_api')} {p.get('version')} ({p.get('num_threads')} threads)" for p in threadpool_info() if p.get("user_api") == "blas"]
        return ", ".join(pools) or "no BLAS found by threadpoolctl"
    except ImportError:
        return "unknown (python3-threadpoolctl not installed)"


def run_sklearn(task, data, epochs, seed):
    import sklearn
    import warnings
    from sklearn.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", ConvergenceWarning)
    train_x, train_y, test_x, test_y = data
    history = []
    if task == "softmax":
        from sklearn.linear_model import LogisticRegression

        # lbfgs has no epochs: each "epoch" here is one fit with a larger iteration budget, timed from scratch,
        # so the time to a target is the time of the cheapest fit that reaches it.
        for epoch, iterations in enumerate([25, 50, 100, 200][:max(1, epochs)], start=1):
            model = LogisticRegression(max_iter=iterations, random_state=seed)
            start = time.perf_counter()
            model.fit(train_x, train_y)
            seconds = time.perf_counter() - start
            history.append({"epoch": epoch, "seconds": seconds, "accuracy": float(model.score(test_x, test_y)), "iterations": iterations, "fresh_fit": True})
    else:
        from sklearn.neural_network import MLPClassifier

        model = MLPClassifier(hidden_layer_sizes=(128,), batch_size=128, learning_rate_init=0.001, random_state=seed)
        classes = np.arange(10)
        rng = np.random.default_rng(seed)
        trained = 0.0
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(train_x))
            start = time.perf_counter()
            model.partial_fit(train_x[order], train_y[order], classes=classes)
            trained += time.perf_counter() - start
            history.append({"epoch": epoch, "seconds": trained, "accuracy": float(model.score(test_x, test_y))})
    return {"peer": f"sklearn-{sklearn.__version__}", "blas": blas_description(), "epochs": history}


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    tool, task, directory, epochs, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    if task not in ("softmax", "mlp"):
        print(f"unknown task {task!r}: expected softmax or mlp", file=sys.stderr)
        return 2
    runners = {"torch": run_torch, "sklearn": run_sklearn}
    if tool not in runners:
        print(f"unknown tool {tool!r}: expected one of {sorted(runners)}", file=sys.stderr)
        return 2
    print(json.dumps(runners[tool](task, load(directory), epochs, seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
