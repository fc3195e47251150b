package org.imagegraph.oracle;

import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import java.io.IOException;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts a single-node OpenSearch on 127.0.0.1 at the given HTTP port, prints a ready line, and
 * stops when its standard input closes (so it never outlives the process that started it).
 *
 * Arguments: HTTP port, home directory (data and logs; emptied first).
 */
public final class OpenSearchOracle {
  public static final String READY = "OPENSEARCH_ORACLE_READY";

  private OpenSearchOracle() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: OpenSearchOracle <http port> <home directory>");
      System.exit(2);
    }
    final int port = Integer.parseInt(args[0]);
    final String home = args[1];
    final OpenSearchRunner runner = new OpenSearchRunner();
    // The runner probes 9201..9299 for a port unless told there is no limit; the port is ours.
    runner.setMaxHttpPort(-1);
    runner.onBuild((number, settings) -> {
      // Loopback only, both HTTP and the (unused) transport; one node, no peers to discover.
      settings.put("network.host", "127.0.0.1");
      settings.put("http.port", port);
      settings.put("transport.port", "0");
      settings.put("discovery.type", "single-node");
      settings.remove("cluster.initial_cluster_manager_nodes");
      settings.remove("discovery.seed_hosts");
      // The disk watermarks would turn indices read-only on a nearly full developer disk.
      settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
    }).build(newConfigs().basePath(home).numOfNode(1).baseHttpPort(port - 1).clusterName("imagegraph-oracle").disableESLogger());
    runner.ensureYellow();
    System.out.println(READY + " http://127.0.0.1:" + port);
    System.out.flush();
    while (System.in.read() != -1) {
      // Wait for end of input.
    }
    runner.close();
    runner.clean();
    System.exit(0);
  }
}
