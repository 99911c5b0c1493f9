@echo off
rem The heirloom command of an unpacked distribution on Windows: runs on runtime\ when present,
rem else %JAVA_HOME%, else the java on the PATH (Java 17 or later).
setlocal
set "HEIRLOOM_HOME=%~dp0.."
if exist "%HEIRLOOM_HOME%\runtime\bin\java.exe" (
  set "JAVA=%HEIRLOOM_HOME%\runtime\bin\java.exe"
) else if defined JAVA_HOME (
  set "JAVA=%JAVA_HOME%\bin\java.exe"
) else (
  set "JAVA=java"
)
"%JAVA%" -XX:+UseSerialGC %HEIRLOOM_JAVA_OPTS% -cp "%HEIRLOOM_HOME%\lib\*" dev.heirloom.cli.HeirloomCli %*
