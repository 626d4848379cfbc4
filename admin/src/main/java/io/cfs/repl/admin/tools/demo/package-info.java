/** {@code cfs demo}: several sites in one JVM under a workload each, then a convergence check by digest. */
package io.cfs.repl.admin.tools.demo;
