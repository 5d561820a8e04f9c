/*
 * The math functions of n64c's bare-metal ROM runtime. Each float function
 * is evaluated in double precision (range reduction and a series whose
 * truncation error is far below 2^-53) and rounded to float once, so its
 * result is the correctly rounded one but for rare near-ties: within
 * float32 rounding of numpy's. sqrt uses the FPU's instruction.
 */
#include <math.h>
#include <stdint.h>

#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define INV_LN2 1.44269504088896338700e+00

static double from_bits(uint64_t u)
{
    union { uint64_t u; double d; } v;
    v.u = u;
    return v.d;
}

static uint64_t to_bits(double d)
{
    union { uint64_t u; double d; } v;
    v.d = d;
    return v.u;
}

/* 2^k for k in [-1022, 1023]. */
static double pow2(int k)
{
    return from_bits((uint64_t)(k + 1023) << 52);
}

/* x * 2^k for any int k (two steps keep the subnormal results right). */
static double scale2(double x, int k)
{
    if (k > 1023) {
        x *= pow2(1023);
        k -= 1023;
        if (k > 1023)
            k = 1023;
    } else if (k < -1022) {
        x *= pow2(-1022);
        k += 1022;
        if (k < -1022)
            k = -1022;
    }
    return x * pow2(k);
}

double fabs(double x) { return __builtin_fabs(x); }
float fabsf(float x) { return __builtin_fabsf(x); }

double sqrt(double x)
{
    double y;
    __asm__("sqrt.d %0, %1" : "=f"(y) : "f"(x));
    return y;
}

float sqrtf(float x)
{
    float y;
    __asm__("sqrt.s %0, %1" : "=f"(y) : "f"(x));
    return y;
}

double floor(double x)
{
    const double big = 4503599627370496.0; /* 2^52 */
    double r;
    if (x != x || fabs(x) >= big || x == 0.0)
        return x;
    r = x >= 0.0 ? (x + big) - big : (x - big) + big;
    if (r > x)
        r -= 1.0;
    return r;
}

float floorf(float x) { return (float)floor(x); }

double exp(double x)
{
    double kd, r, term, sum;
    int k, n;
    if (x != x)
        return x;
    if (x > 709.782712893384)
        return HUGE_VALF;
    if (x < -745.2)
        return 0.0;
    kd = x * INV_LN2;
    k = (int)(kd >= 0.0 ? kd + 0.5 : kd - 0.5);
    r = (x - k * LN2_HI) - k * LN2_LO;
    /* |r| <= 0.35: the series to r^17 / 17! */
    sum = 1.0;
    term = 1.0;
    for (n = 1; n <= 17; n++) {
        term *= r / n;
        sum += term;
    }
    return scale2(sum, k);
}

double expm1(double x)
{
    double term, sum;
    int n;
    if (x != x)
        return x;
    if (fabs(x) >= 0.5)
        return exp(x) - 1.0;
    sum = 0.0;
    term = 1.0;
    for (n = 1; n <= 20; n++) {
        term *= x / n;
        sum += term;
    }
    return sum;
}

double log(double x)
{
    uint64_t bits;
    int e = 0;
    double m, s, s2, term, sum;
    int n;
    if (x != x || x == HUGE_VALF)
        return x;
    if (x < 0.0)
        return NAN;
    if (x == 0.0)
        return -HUGE_VALF;
    if (x < 2.2250738585072014e-308) { /* subnormal */
        x *= 18014398509481984.0;      /* 2^54 */
        e = -54;
    }
    bits = to_bits(x);
    e += (int)((bits >> 52) & 0x7FF) - 1023;
    m = from_bits((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e += 1;
    }
    /* log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172 */
    s = (m - 1.0) / (m + 1.0);
    s2 = s * s;
    term = s;
    sum = 0.0;
    for (n = 1; n <= 31; n += 2) {
        sum += term / n;
        term *= s2;
    }
    return e * LN2_HI + (e * LN2_LO + 2.0 * sum);
}

double log1p(double x)
{
    double u;
    if (x != x)
        return x;
    if (fabs(x) < 1e-4) {
        double x2 = x * x;
        return x - x2 / 2.0 + x2 * x / 3.0 - x2 * x2 / 4.0;
    }
    u = 1.0 + x;
    if (u == 1.0)
        return x;
    /* the rounding of 1 + x corrected to first order */
    return log(u) - ((u - 1.0) - x) / u;
}

double tanh(double x)
{
    double a = fabs(x), e, t;
    if (x != x)
        return x;
    if (a > 20.0)
        t = 1.0;
    else {
        e = expm1(2.0 * a);
        t = e / (e + 2.0);
    }
    return x < 0.0 ? -t : t;
}

float expf(float x) { return (float)exp(x); }
float expm1f(float x) { return (float)expm1(x); }
float logf(float x) { return (float)log(x); }
float log1pf(float x) { return (float)log1p(x); }
float tanhf(float x) { return (float)tanh(x); }

float powf(float x, float y)
{
    double r;
    if (y == 0.0f || x == 1.0f)
        return 1.0f;
    if (x != x || y != y)
        return NAN;
    if (x == 0.0f)
        return y > 0.0f ? 0.0f : HUGE_VALF;
    if (x < 0.0f) {
        double yi = floor(y);
        if (yi != y)
            return NAN;
        r = exp(y * log(-(double)x));
        /* an odd integer exponent keeps the sign */
        if (fabs(yi) < 9007199254740992.0 && floor(yi / 2.0) * 2.0 != yi)
            r = -r;
        return (float)r;
    }
    return (float)exp(y * log((double)x));
}
