"""Stratified splits of a sklearn CSV dataset and the test accuracy of LogisticRegression() on each.

Usage: sklearn_baseline.py <file in sklearn/datasets/data, e.g. iris.csv> <splits> <seed>
Prints one JSON object: {"path": csv, "splits": [{"train": [...], "test": [...], "accuracy": a}, ...]}. Features are
standardised with the training split's mean and standard deviation, as the C# side does.
"""
import json
import os
import sys

import sklearn.datasets

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.preprocessing import StandardScaler


def main():
    name, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    path = os.path.join(os.path.dirname(sklearn.datasets.__file__), "data", name)
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    x, y = data[:, :-1], data[:, -1].astype(int)
    splitter = StratifiedShuffleSplit(n_splits=count, test_size=0.25, random_state=seed)
    splits = []
    for train, test in splitter.split(x, y):
        scaler = StandardScaler().fit(x[train])
        model = LogisticRegression().fit(scaler.transform(x[train]), y[train])
        accuracy = float(model.score(scaler.transform(x[test]), y[test]))
        splits.append({"train": train.tolist(), "test": test.tolist(), "accuracy": accuracy})
    json.dump({"path": path, "splits": splits}, sys.stdout)


if __name__ == "__main__":
    main()
