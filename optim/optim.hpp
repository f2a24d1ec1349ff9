// Everything in optim/ in one include: the Optimizer base, each update rule, the end-to-end
// rule of Arora et al. (e2e.hpp), and make_optimizer for choosing one by name.
#pragma once

#include "optim/adadelta.hpp"
#include "optim/adagrad.hpp"
#include "optim/adam.hpp"
#include "optim/e2e.hpp"
#include "optim/factory.hpp"
#include "optim/gd.hpp"
#include "optim/hyperparameters.hpp"
#include "optim/momentum.hpp"
#include "optim/optimizer.hpp"
#include "optim/rmsprop.hpp"
