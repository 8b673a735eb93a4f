# Sourced by scripts/build-jar and scripts/test-kotlin (from the repository
# root): where the Kotlin compiler, JNA and the Kotlin standard library are,
# and install_kotlin_tools, which installs whatever of them is missing --
# a Java runtime and JNA from Debian (apt-get), kotlinc from the npm package
# kotlin-compiler (pinned) into .tools/kotlin/ inside the checkout.

KOTLIN_COMPILER_VERSION=2.4.20
KOTLIN_HOME=.tools/kotlin/node_modules/kotlin-compiler
KOTLINC=$KOTLIN_HOME/bin/kotlinc
KOTLIN_STDLIB=$KOTLIN_HOME/lib/kotlin-stdlib.jar
JNA_JAR=/usr/share/java/jna.jar

apt_install() {
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

install_kotlin_tools() {
  local start=$SECONDS
  if ! command -v java >/dev/null; then
    echo "installing a Java runtime (apt: default-jre-headless)"
    apt_install default-jre-headless
  fi
  if [ ! -f "$JNA_JAR" ]; then
    echo "installing JNA (apt: libjna-java)"
    apt_install libjna-java
  fi
  if [ ! -x "$KOTLINC" ]; then
    command -v npm >/dev/null || { echo "installing npm (apt)"; apt_install npm; }
    echo "installing kotlinc (npm: kotlin-compiler@$KOTLIN_COMPILER_VERSION into .tools/kotlin)"
    npm install --prefix .tools/kotlin --no-audit --no-fund --loglevel=error \
      "kotlin-compiler@$KOTLIN_COMPILER_VERSION"
  fi
  [ -f "$KOTLIN_STDLIB" ] || { echo "no Kotlin standard library at $KOTLIN_STDLIB"; return 1; }
  echo "java, JNA ($JNA_JAR), kotlinc $KOTLIN_COMPILER_VERSION: present ($((SECONDS - start)) s)"
}
