/* dt_stats.h - the statistics trends are judged with. */
#ifndef DT_STATS_H
#define DT_STATS_H

/* The regularised incomplete beta function I_x(a, b), for a, b > 0 and x in
 * [0, 1]; accurate to about 1e-12. */
double dt_beta_inc(double a, double b, double x);

/* P(K >= k) for K ~ Binomial(n, q), for real 0 < k <= n (I_q(k, n - k + 1)),
 * which extends the tail to the scaled counts of an overdispersed test. 1
 * for k <= 0, 0 for k > n. This is the exact test of a rise between two
 * Poisson counts: given k + j events over exposures e1 and e2, k of them
 * fall in the first with q = e1 / (e1 + e2) when the rates are equal. */
double dt_binomial_upper(double k, double n, double q);

#endif
