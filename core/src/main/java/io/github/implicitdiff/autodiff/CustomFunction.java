package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.JointPrimitive;
import io.github.implicitdiff.tensor.Tensor;

/**
 * A user function with its own derivative rule, made a primitive so that every trace uses the rule
 * instead of differentiating the function's body. Given only one rule, the other mode is its transpose
 * obtained by differentiating the (linear) rule: for a VJP rule v(g), J t = ∇_g ⟨v(g), t⟩; for a JVP
 * rule j(t), gᵀJ = ∇_t ⟨g, j(t)⟩.
 */
final class CustomFunction implements JointPrimitive {
  private final String name;
  private final MultiInputFunction f;
  private final CustomJvpRule jvpRule;
  private final CustomVjpRule vjpRule;

  CustomFunction(String name, MultiInputFunction f, CustomJvpRule jvpRule, CustomVjpRule vjpRule) {
    this.name = name;
    this.f = f;
    this.jvpRule = jvpRule;
    this.vjpRule = vjpRule;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Tensor eval(Tensor... x) {
    Tensor out = f.apply(x);
    if (out.isTraced())
      throw new IllegalStateException(name + ": the function closes over a tensor that is being differentiated;"
          + " pass that tensor as an argument instead so that its derivative is not lost");
    return out;
  }

  @Override
  public Tensor jvpAll(Tensor[] dx, Tensor out, Tensor... x) {
    Tensor[] t = new Tensor[x.length];
    boolean any = false;
    for (int i = 0; i < x.length; i++) {
      t[i] = dx[i] == null ? Tensor.zerosLike(x[i]) : dx[i];
      any |= dx[i] != null;
    }
    if (!any) return null;
    if (jvpRule != null) return checked("JVP", jvpRule.apply(x, out, t), out);
    // J t = ∇_g ⟨vjpRule(g), t⟩ (the VJP rule is linear in g; a null cotangent means zero)
    return LinearTranspose.jvpFromVjp(g -> vjpRule.apply(x, out, g), dx, out);
  }

  @Override
  public Tensor[] vjpAll(Tensor g, boolean[] needed, Tensor out, Tensor... x) {
    if (vjpRule != null) {
      Tensor[] c = vjpRule.apply(x, out, g);
      if (c.length != x.length)
        throw new IllegalStateException(name + ": VJP rule returned " + c.length + " cotangents for " + x.length + " inputs");
      for (int i = 0; i < c.length; i++)
        if (c[i] != null && !java.util.Arrays.equals(c[i].shape(), x[i].shape()))
          throw new IllegalStateException(name + ": VJP rule returned a cotangent of shape " + c[i].shapeString()
              + " for input " + i + " of shape " + x[i].shapeString());
      return c;
    }
    // gᵀJ = ∇_t ⟨g, jvpRule(t)⟩ (the JVP rule is linear in t)
    Tensor[] zeros = new Tensor[x.length];
    for (int i = 0; i < x.length; i++) zeros[i] = Tensor.zerosLike(x[i]);
    return AD.gradAll(t -> jvpRule.apply(x, out, t).mul(g).sum(), zeros);
  }

  private Tensor checked(String what, Tensor t, Tensor out) {
    if (!java.util.Arrays.equals(t.shape(), out.shape()))
      throw new IllegalStateException(name + ": " + what + " rule returned shape " + t.shapeString()
          + " for an output of shape " + out.shapeString());
    return t;
  }
}
