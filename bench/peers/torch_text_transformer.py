"""PyTorch peer of bench/bench_attention.c: the Keras text-classification Transformer (token +
position Embedding(20000 / 200, 32), MultiHeadAttention(2 heads, key_dim 32) with its projections
written out as Keras has them (32 -> 2x32 for q, k, v; 2x32 -> 32 out), Dropout 0.1, Add +
LayerNorm(1e-6), Dense(32, relu), Dense(32), Dropout, Add + LayerNorm, mean over steps, Dropout,
Dense(20, relu), Dropout, Dense(2)), Adam 1e-3, cross entropy, batch 32, synthetic ids.

  python torch_text_transformer.py train [threads] [n] [epochs]   samples/s (median epoch after the first)
  python torch_text_transformer.py memory L [threads]             one training step at batch 1, peak RSS
Prints one RESULT line like bench_attention's.  Run from the venv bench/run_attention.sh makes.
"""
import math
import resource
import sys
import time

import torch
import torch.nn as nn

VOCAB, EMBED, HEADS, FF = 20000, 32, 2, 32


class MHA(nn.Module):
    def __init__(self, d, heads, key_dim):
        super().__init__()
        self.h, self.k = heads, key_dim
        self.q = nn.Linear(d, heads * key_dim)
        self.kp = nn.Linear(d, heads * key_dim)
        self.v = nn.Linear(d, heads * key_dim)
        self.o = nn.Linear(heads * key_dim, d)

    def forward(self, x):
        B, T, _ = x.shape
        q = self.q(x).view(B, T, self.h, self.k).transpose(1, 2) / math.sqrt(self.k)
        k = self.kp(x).view(B, T, self.h, self.k).transpose(1, 2)
        v = self.v(x).view(B, T, self.h, self.k).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2), dim=-1)
        return self.o((a @ v).transpose(1, 2).reshape(B, T, self.h * self.k))


class Net(nn.Module):
    def __init__(self, L, full=True):
        super().__init__()
        self.full = full
        self.tok, self.pos = nn.Embedding(VOCAB, EMBED), nn.Embedding(L, EMBED)
        self.att = MHA(EMBED, HEADS, EMBED)
        self.ln1, self.ln2 = nn.LayerNorm(EMBED, eps=1e-6), nn.LayerNorm(EMBED, eps=1e-6)
        self.ff = nn.Sequential(nn.Linear(EMBED, FF), nn.ReLU(), nn.Linear(FF, EMBED), nn.Dropout(0.1))
        self.drop = nn.Dropout(0.1)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(EMBED, 20), nn.ReLU(), nn.Dropout(0.1), nn.Linear(20, 2)) if full \
            else nn.Linear(EMBED, 2)

    def forward(self, ids, pos):
        x = self.tok(ids) + self.pos(pos)
        a = self.att(x)
        x1 = self.ln1(x + (self.drop(a) if self.full else a))
        h = self.ln2(x1 + self.ff(x1)) if self.full else x1
        return self.head(h.mean(dim=1))


def data(n, L):
    g = torch.Generator().manual_seed(4321)
    ids = torch.randint(1, VOCAB, (n, L), generator=g)
    pos = torch.arange(L).expand(n, L).contiguous()
    y = ((ids < 100).sum(1) > L // 200).long()
    return ids, pos, y


def step(model, opt, ids, pos, y):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(ids, pos), y)
    loss.backward()
    opt.step()


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


mode = sys.argv[1] if len(sys.argv) > 1 else "train"
if mode == "memory":
    L = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    base = rss_mb()
    model = Net(L, full=False)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    ids, pos, y = data(1, L)
    t0 = time.perf_counter()
    step(model, opt, ids, pos, y)
    print(f"RESULT impl=torch-{torch.__version__} mode=memory L={L} max_rss_mb={rss_mb():.1f} start_rss_mb={base:.1f} "
          f"step_s={time.perf_counter() - t0:.3f}")
else:
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 2048
    epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Net(200)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    ids, pos, y = data(n, 200)
    times = []
    for e in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        model.train()
        for b in range(0, n, 32):
            i = perm[b:b + 32]
            step(model, opt, ids[i], pos[i], y[i])
        times.append(time.perf_counter() - t0)
    rest = sorted(times[1:]) if epochs > 1 else times
    t = rest[len(rest) // 2] if len(rest) % 2 else 0.5 * (rest[len(rest) // 2 - 1] + rest[len(rest) // 2])
    print(f"RESULT impl=torch-{torch.__version__} mode=train threads={threads} n={n} epoch_s={t:.3f} "
          f"samples_per_s={n / t:.1f} max_rss_mb={rss_mb():.1f}")
