"""Train a small deep ReLU net on the sawtooth Δ³ in PyTorch and save it for depthsep.

    python train.py            # writes delta3.safetensors and prints the values the test checks

The net is a plain nn.Sequential of nn.Linear and nn.ReLU (3 hidden layers of 32 units), trained
with Adam (lr 3e-3, cosine schedule, 5000 steps, fresh uniform minibatches of 1024) in float32 on
one thread with a fixed seed. depthsep reads the saved state_dict:

    depthsep inspect examples/pytorch/delta3.safetensors --target sawtooth:k=3
    depthsep search --net examples/pytorch/delta3.safetensors --target sawtooth:k=3
"""

import json
import math

import torch
from safetensors.torch import save_file

torch.manual_seed(0)
torch.set_num_threads(1)


def sawtooth(x, k):
    """Δ^k: the tent map Δ(x) = 2·min(x, 1 − x) composed k times."""
    for _ in range(k):
        x = 2 * torch.minimum(x, 1 - x)
    return x


K, WIDTH, DEPTH, STEPS = 3, 32, 3, 5000
layers = []
for i in range(DEPTH):
    layers += [torch.nn.Linear(1 if i == 0 else WIDTH, WIDTH), torch.nn.ReLU()]
net = torch.nn.Sequential(*layers, torch.nn.Linear(WIDTH, 1))

opt = torch.optim.Adam(net.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, STEPS)
for step in range(STEPS):
    x = torch.rand(1024, 1)
    loss = torch.mean((net(x) - sawtooth(x, K)) ** 2)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()

save_file(net.state_dict(), "delta3.safetensors")

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
print(json.dumps({"nmse_on_grid": err.item(), "probes": probes, "values": values,
                  "kinks_on_grid": kinks, "pieces_on_grid": kinks + 1}, indent=1))
