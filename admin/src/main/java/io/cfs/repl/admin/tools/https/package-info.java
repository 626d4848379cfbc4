/** HTTPS for the tools' HTTP clients ({@code --cacert}). */
package io.cfs.repl.admin.tools.https;
