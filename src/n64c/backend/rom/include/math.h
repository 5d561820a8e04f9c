/* The math functions of n64c's bare-metal ROM runtime (n64c_libm.c): each
 * float function is computed in double precision and rounded once, so the
 * results are within float32 rounding of numpy's. */
#ifndef N64C_ROM_MATH_H
#define N64C_ROM_MATH_H

#define INFINITY (__builtin_inff())
#define NAN (__builtin_nanf(""))
#define HUGE_VALF (__builtin_huge_valf())

double exp(double x);
double expm1(double x);
double log(double x);
double log1p(double x);
double tanh(double x);
double floor(double x);
double sqrt(double x);
double fabs(double x);
float expf(float x);
float expm1f(float x);
float logf(float x);
float log1pf(float x);
float tanhf(float x);
float powf(float x, float y);
float sqrtf(float x);
float fabsf(float x);
float floorf(float x);

#endif /* N64C_ROM_MATH_H */
