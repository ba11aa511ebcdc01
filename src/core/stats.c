/* stats.c - the binomial upper tail through the regularised incomplete
 * beta function: its continued fraction by the modified Lentz method
 * (Numerical Recipes, 6.4), on the side of x where it converges fast. */
#include <math.h>

#include "dt_stats.h"

#define ITERATIONS 10000
#define EPSILON 1e-15
#define TINY 1e-300

/* One step of the modified Lentz method: folds the term aa into c and d and
 * returns the factor it multiplies the fraction by. */
static double lentz_step(double aa, double *c, double *d)
{
    *d = 1.0 + aa * *d;
    if (fabs(*d) < TINY)
        *d = TINY;
    *c = 1.0 + aa / *c;
    if (fabs(*c) < TINY)
        *c = TINY;
    *d = 1.0 / *d;
    return *d * *c;
}

static double fraction(double a, double b, double x)
{
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < TINY)
        d = TINY;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m < ITERATIONS; m++) {
        int m2 = 2 * m;
        h *= lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), &c, &d);
        double delta = lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), &c, &d);
        h *= delta;
        if (fabs(delta - 1.0) < EPSILON)
            break;
    }
    return h;
}

double dt_beta_inc(double a, double b, double x)
{
    if (x <= 0)
        return 0.0;
    if (x >= 1)
        return 1.0;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0))
        return front * fraction(a, b, x) / a;
    return 1.0 - front * fraction(b, a, 1.0 - x) / b;
}

double dt_binomial_upper(double k, double n, double q)
{
    if (!(k > 0))
        return 1.0;
    if (k > n)
        return 0.0;
    return dt_beta_inc(k, n - k + 1.0, q);
}
