package io.egressjava.testrig;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: a real redis-server and a real livekit-server wired to it, started once per
 * test class, stopped afterwards. Tests receive the {@link LiveKitRig} (or its parts) as parameters.
 *
 * <pre>{@code @ExtendWith(LiveKitRig.class) class MyIT { @Test void t(LiveKitRig rig) { ... } }}</pre>
 */
public final class LiveKitRig implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LiveKitRig.class);

  private RedisServer redis;
  private LiveKitServer livekit;

  public RedisServer redis() {
    return redis;
  }

  public LiveKitServer livekit() {
    return livekit;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    LiveKitRig rig = new LiveKitRig();
    rig.redis = new RedisServer().start();
    try {
      rig.livekit = new LiveKitServer(rig.redis.address()).start();
    } catch (RuntimeException e) {
      rig.redis.close();
      throw e;
    }
    context.getStore(NS).put("rig", rig);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    LiveKitRig rig = context.getStore(NS).remove("rig", LiveKitRig.class);
    if (rig != null) {
      rig.livekit.close();
      rig.redis.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    Class<?> t = p.getParameter().getType();
    return t == LiveKitRig.class || t == RedisServer.class || t == LiveKitServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    LiveKitRig rig = e.getStore(NS).get("rig", LiveKitRig.class);
    Class<?> t = p.getParameter().getType();
    if (t == RedisServer.class) {
      return rig.redis;
    }
    if (t == LiveKitServer.class) {
      return rig.livekit;
    }
    return rig;
  }
}
