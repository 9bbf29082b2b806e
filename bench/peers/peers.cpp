// Thin C ABI over the reference implementations Patchpeil is checked against:
// libapt-pkg's debVersioningSystem::CmpVersion (dpkg ordering) and librpm's rpmvercmp (RPM EVR ordering).
// Every result is sign-normalised to -1/0/1 because both libraries return arbitrary magnitudes.
// The *_batch functions exist so a benchmark can measure the peer without one P/Invoke transition per pair.

#include <apt-pkg/debversion.h>
#include <rpm/rpmver.h>

#include <cstdlib>
#include <cstring>

namespace {

inline int sign(int v) { return (v > 0) - (v < 0); }

inline int deb_cmp(const char *a, const char *b) { return sign(debVS.CmpVersion(a, b)); }

// Same split as librpm's parseEVR (lib/rpmver.c): epoch = leading digits followed by ':', release = after the
// last '-' behind the epoch; then the same rules as rpmverCmp (rpm 4.16+): a missing epoch is "0" and a missing
// release sorts before any release. Splitting into stack buffers instead of rpmverParse keeps malloc out of the
// peer's figures, which is what rpm itself does when E, V and R come from a header.
struct Evr {
    const char *e;
    const char *v;
    const char *r;
};

inline void split_evr(char *evr, Evr &out) {
    char *s = evr;
    while (*s >= '0' && *s <= '9') s++;
    char *se = std::strrchr(s, '-');
    if (*s == ':') {
        out.e = evr;
        *s++ = '\0';
        out.v = s;
        if (*out.e == '\0') out.e = "0";
    } else {
        out.e = nullptr;
        out.v = evr;
    }
    if (se != nullptr) {
        *se++ = '\0';
        out.r = se;
    } else {
        out.r = nullptr;
    }
}

int rpm_cmp(const char *a, const char *b) {
    if (std::strcmp(a, b) == 0) return 0;
    char stack_a[256];
    char stack_b[256];
    size_t la = std::strlen(a) + 1;
    size_t lb = std::strlen(b) + 1;
    char *ba = la <= sizeof stack_a ? stack_a : static_cast<char *>(std::malloc(la));
    char *bb = lb <= sizeof stack_b ? stack_b : static_cast<char *>(std::malloc(lb));
    std::memcpy(ba, a, la);
    std::memcpy(bb, b, lb);
    Evr ea;
    Evr eb;
    split_evr(ba, ea);
    split_evr(bb, eb);
    int rc = rpmvercmp(ea.e != nullptr ? ea.e : "0", eb.e != nullptr ? eb.e : "0");
    if (rc == 0) {
        rc = rpmvercmp(ea.v, eb.v);
        if (rc == 0) {
            if (ea.r != nullptr && eb.r != nullptr) {
                rc = rpmvercmp(ea.r, eb.r);
            } else {
                rc = (ea.r != nullptr) - (eb.r != nullptr);
            }
        }
    }
    if (ba != stack_a) std::free(ba);
    if (bb != stack_b) std::free(bb);
    return sign(rc);
}

template <int (*Cmp)(const char *, const char *)>
long batch(const char **a, const char **b, int n, int *out) {
    // The checksum keeps the loop observable when out is null (benchmarks pass null to time only the comparisons).
    long checksum = 0;
    for (int i = 0; i < n; i++) {
        int r = Cmp(a[i], b[i]);
        checksum += r + 1;
        if (out != nullptr) out[i] = r;
    }
    return checksum;
}

int rpm_evr_cmp(const char *a, const char *b) {
    rpmver va = rpmverParse(a);
    rpmver vb = rpmverParse(b);
    if (va == nullptr || vb == nullptr) {
        rpmverFree(va);
        rpmverFree(vb);
        return -2;
    }
    int rc = sign(rpmverCmp(va, vb));
    rpmverFree(va);
    rpmverFree(vb);
    return rc;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int pp_deb_cmp(const char *a, const char *b) { return deb_cmp(a, b); }

__attribute__((visibility("default"))) long pp_deb_cmp_batch(const char **a, const char **b, int n, int *out) {
    return batch<deb_cmp>(a, b, n, out);
}

// Full EVR comparison ([epoch:]version[-release]) with librpm's rpmvercmp on each part.
__attribute__((visibility("default"))) int pp_rpm_cmp(const char *a, const char *b) { return rpm_cmp(a, b); }

__attribute__((visibility("default"))) long pp_rpm_cmp_batch(const char **a, const char **b, int n, int *out) {
    return batch<rpm_cmp>(a, b, n, out);
}

// Plain rpmvercmp on one version or release string, no EVR split.
__attribute__((visibility("default"))) int pp_rpm_vercmp(const char *a, const char *b) { return sign(rpmvercmp(a, b)); }

// librpm's own EVR parser and comparator (rpmverParse + rpmverCmp); allocates, so only for cross-checking
// pp_rpm_cmp. Returns -2 when librpm cannot parse a side.
__attribute__((visibility("default"))) int pp_rpm_evr_cmp(const char *a, const char *b) { return rpm_evr_cmp(a, b); }

}
