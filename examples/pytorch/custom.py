"""A deep ReLU net written the way tutorials write it, saved in the three forms depthsep reads.

    python custom.py     # writes custom.safetensors, custom.pt, custom.onnx and custom.json

The net is a custom nn.Module (not an nn.Sequential) with layers `fc1`, `fc2`, `fc3` and `out`,
3 hidden layers of 24 units, trained on the sawtooth Δ³ with Adam (lr 3e-3, cosine schedule, 5000
steps, fresh uniform minibatches of 1024) in float32 on one thread with a fixed seed. It is saved:

- with `safetensors.torch.save_file(model.state_dict(), "custom.safetensors")`;
- with `torch.save(model.state_dict(), "custom.pt")`, the most common form (and as the whole module,
  a checkpoint dictionary and the pre-1.6 format: `custom-module.pt`, `custom-checkpoint.pt`,
  `custom-legacy.pt`);
- with `torch.onnx.export(..., dynamo=False)` as `custom.onnx` (Gemm and Relu nodes).

Its state_dict names (`fc1.weight`, …, `out.bias`) do not say the order by themselves: depthsep
infers it from the shapes and the numbered names (fc1 < fc2 < fc3; only `out` maps to 1 output),
or takes it from `--layers fc1,fc2,fc3,out`. `custom.json` holds what the tests check: the net at
eight points and the pieces it shows on a grid of 2^20 intervals.
"""

import json
import warnings

import torch
from safetensors.torch import save_file

torch.manual_seed(2)
torch.set_num_threads(1)


def sawtooth(x, k):
    """Δ^k: the tent map Δ(x) = 2·min(x, 1 − x) composed k times."""
    for _ in range(k):
        x = 2 * torch.minimum(x, 1 - x)
    return x


class Net(torch.nn.Module):
    def __init__(self, width=24):
        super().__init__()
        self.fc1 = torch.nn.Linear(1, width)
        self.fc2 = torch.nn.Linear(width, width)
        self.fc3 = torch.nn.Linear(width, width)
        self.out = torch.nn.Linear(width, 1)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        x = torch.relu(self.fc3(x))
        return self.out(x)


K, STEPS = 3, 5000
net = Net()
opt = torch.optim.Adam(net.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, STEPS)
for step in range(STEPS):
    x = torch.rand(1024, 1)
    loss = torch.mean((net(x) - sawtooth(x, K)) ** 2)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()

save_file(net.state_dict(), "custom.safetensors")
torch.save(net.state_dict(), "custom.pt")
# Other things people call a .pt file: the whole module, a training checkpoint that nests the
# state_dict beside non-tensor entries, and the pre-1.6 (non-zip) format.
torch.save(net, "custom-module.pt")
torch.save({"model": net.state_dict(), "steps": STEPS}, "custom-checkpoint.pt")
torch.save(net.state_dict(), "custom-legacy.pt", _use_new_zipfile_serialization=False)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    torch.onnx.export(net, torch.zeros(1, 1), "custom.onnx", input_names=["x"], output_names=["y"],
                      dynamo=False)

with torch.no_grad():
    grid = torch.linspace(0, 1, 2**16 + 1).unsqueeze(1)
    err = torch.mean((net(grid) - sawtooth(grid, K)) ** 2) / torch.var(sawtooth(grid, K), unbiased=False)
    probes = [0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.9, 1.0]
    values = net(torch.tensor(probes).unsqueeze(1)).squeeze(1).tolist()
    # Kinks seen on a fine grid: runs of slope changes between consecutive grid intervals (a kink
    # inside an interval changes the slope twice, once into and once out of that interval).
    g = torch.linspace(0, 1, 2**20 + 1, dtype=torch.float64).unsqueeze(1)
    y = net.double()(g).squeeze(1)
    slopes = (y[1:] - y[:-1]) * 2**20
    change = ((slopes[1:] - slopes[:-1]).abs() > 1e-6 * slopes.abs().max()).tolist()
    kinks = sum(1 for i, c in enumerate(change) if c and (i == 0 or not change[i - 1]))
result = {"torch": torch.__version__.split("+")[0], "nmse_on_grid": err.item(), "probes": probes,
          "values": values, "kinks_on_grid": kinks, "pieces_on_grid": kinks + 1}
with open("custom.json", "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")
print(json.dumps(result, indent=1))
