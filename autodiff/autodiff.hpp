// Everything in autodiff/ in one include: Tensor, Tape, Var, Parameter, NoGradGuard, the ops.
#pragma once

#include "autodiff/blas.hpp"
#include "autodiff/conv.hpp"
#include "autodiff/dropout.hpp"
#include "autodiff/elementwise.hpp"
#include "autodiff/linalg.hpp"
#include "autodiff/loss.hpp"
#include "autodiff/lp_regression.hpp"
#include "autodiff/matmul.hpp"
#include "autodiff/pool.hpp"
#include "autodiff/product_norm.hpp"
#include "autodiff/reduce.hpp"
#include "autodiff/shape_ops.hpp"
#include "autodiff/tape.hpp"
#include "autodiff/tensor.hpp"
