package io.jkeras.optimizers;

/**
 * Keras 3's documented update rules ({@code keras/src/optimizers/*.py, update_step}) for one
 * scalar weight, in float64, with Keras's defaults. Independent of TensorFlow: the tests compare
 * jkeras's framework-backed optimizers against these.
 */
final class KerasRules {
  private KerasRules() {}

  /** One optimizer's state for one scalar weight: {@code step} returns the new weight. */
  interface Rule {
    double step(double w, double g, double lr);
  }

  static final double EPS = 1e-7;

  static Rule forName(String name) {
    switch (name) {
      case "sgd": return (w, g, lr) -> w - lr * g;
      case "sgd_momentum": return sgdMomentum(0.9, false);
      case "sgd_nesterov": return sgdMomentum(0.9, true);
      case "rmsprop": return rmsprop(0.9, 0, false);
      case "rmsprop_momentum": return rmsprop(0.9, 0.9, false);
      case "rmsprop_centered": return rmsprop(0.9, 0, true);
      case "adam": return adam(0.9, 0.999);
      case "adagrad": return adagrad(0.1);
      case "adadelta": return adadelta(0.95);
      case "adamax": return adamax(0.9, 0.999);
      case "nadam": return nadam(0.9, 0.999, 0.96, 1.0);
      case "ftrl": return ftrl(-0.5, 0.1);
      default: throw new IllegalArgumentException(name);
    }
  }

  /** Keras 3 SGD: m = momentum*m - lr*g; w += m (nesterov: w += momentum*m - lr*g). */
  static Rule sgdMomentum(double mu, boolean nesterov) {
    double[] m = {0};
    return (w, g, lr) -> {
      m[0] = mu * m[0] - lr * g;
      return nesterov ? w + mu * m[0] - lr * g : w + m[0];
    };
  }

  /**
   * Keras 3 RMSprop: v = rho*v + (1-rho)*g^2 (v starts at 0); centered: a = rho*a + (1-rho)*g and
   * v - a^2 in place of v; increment = lr*g/sqrt(v + eps); with momentum: m = momentum*m +
   * increment, w -= m; else w -= increment.
   */
  static Rule rmsprop(double rho, double mu, boolean centered) {
    double[] s = {0, 0, 0}; // v, average gradient, momentum
    return (w, g, lr) -> {
      s[0] = rho * s[0] + (1 - rho) * g * g;
      double denominator = s[0] + EPS;
      if (centered) {
        s[1] = rho * s[1] + (1 - rho) * g;
        denominator = s[0] - s[1] * s[1] + EPS;
      }
      double increment = lr * g / Math.sqrt(denominator);
      if (mu > 0) {
        s[2] = mu * s[2] + increment;
        return w - s[2];
      }
      return w - increment;
    };
  }

  /** Keras 3 Adam: alpha = lr*sqrt(1-b2^t)/(1-b1^t); w -= alpha*m/(sqrt(v) + eps). */
  static Rule adam(double b1, double b2) {
    double[] s = {0, 0, 0}; // m, v, t
    return (w, g, lr) -> {
      s[2] += 1;
      s[0] += (g - s[0]) * (1 - b1);
      s[1] += (g * g - s[1]) * (1 - b2);
      double alpha = lr * Math.sqrt(1 - Math.pow(b2, s[2])) / (1 - Math.pow(b1, s[2]));
      return w - s[0] * alpha / (Math.sqrt(s[1]) + EPS);
    };
  }

  /** Keras 3 Adagrad: acc starts at 0.1; acc += g^2; w -= lr*g/sqrt(acc + eps). */
  static Rule adagrad(double initial) {
    double[] acc = {initial};
    return (w, g, lr) -> {
      acc[0] += g * g;
      return w - lr * g / Math.sqrt(acc[0] + EPS);
    };
  }

  /** Keras 3 Adadelta: rms(x) = sqrt(x + eps); delta = -rms(acc_delta)*g/rms(acc_grad); w += lr*delta. */
  static Rule adadelta(double rho) {
    double[] s = {0, 0}; // accumulated grad, accumulated delta
    return (w, g, lr) -> {
      s[0] = rho * s[0] + (1 - rho) * g * g;
      double delta = -Math.sqrt(s[1] + EPS) * g / Math.sqrt(s[0] + EPS);
      s[1] = rho * s[1] + (1 - rho) * delta * delta;
      return w + lr * delta;
    };
  }

  /** Keras 3 Adamax: u = max(b2*u, |g|); w -= lr*m/((1-b1^t)*(u + eps)). */
  static Rule adamax(double b1, double b2) {
    double[] s = {0, 0, 0}; // m, u, t
    return (w, g, lr) -> {
      s[2] += 1;
      s[0] += (g - s[0]) * (1 - b1);
      s[1] = Math.max(b2 * s[1], Math.abs(g));
      return w - lr * s[0] / ((1 - Math.pow(b1, s[2])) * (s[1] + EPS));
    };
  }

  /**
   * Keras 3 Nadam with momentum schedule u_t = b1*(1 - 0.5*base^(t*scale)): Keras 3 uses base
   * 0.96, scale 1 (TF 2's legacy Nadam, which tensorflow-framework implements, scale 0.004).
   */
  static Rule nadam(double b1, double b2, double base, double scale) {
    double[] s = {0, 0, 0, 1}; // m, v, t, u_product
    return (w, g, lr) -> {
      double t = s[2] + 1;
      double ut = b1 * (1 - 0.5 * Math.pow(base, t * scale));
      double ut1 = b1 * (1 - 0.5 * Math.pow(base, (t + 1) * scale));
      s[3] *= ut; // u_product_t (updated before the step, as Keras's _backend_update_step)
      double uProdT1 = s[3] * ut1;
      s[0] += (g - s[0]) * (1 - b1);
      s[1] += (g * g - s[1]) * (1 - b2);
      double mHat = ut1 * s[0] / (1 - uProdT1) + (1 - ut) * g / (1 - s[3]);
      double vHat = s[1] / (1 - Math.pow(b2, t));
      s[2] = t;
      return w - mHat * lr / (Math.sqrt(vHat) + EPS);
    };
  }

  /** Keras 3 Ftrl (l1 = l2 = shrinkage = beta = 0). */
  static Rule ftrl(double lrPower, double initial) {
    double[] s = {initial, 0}; // accumulator, linear
    return (w, g, lr) -> {
      double newAccum = s[0] + g * g;
      s[1] += g - (Math.pow(newAccum, -lrPower) - Math.pow(s[0], -lrPower)) / lr * w;
      double quadratic = Math.pow(newAccum, -lrPower) / lr;
      s[0] = newAccum;
      return -s[1] / quadratic;
    };
  }
}
