<#
.SYNOPSIS
  Removes the Patchpeil agent service and executable (run as administrator).

.DESCRIPTION
  Stops and deletes the service "PatchpeilAgent" and removes the executable. The state folder (device key, queued
  reports) is kept unless -RemoveState is given; revoke the device in Patchpeil (asset page) as well, so its key can
  no longer be used.
#>
[CmdletBinding()]
param([switch]$RemoveState)

$ErrorActionPreference = 'Stop'
$name = 'PatchpeilAgent'
if (Get-Service -Name $name -ErrorAction SilentlyContinue) {
    Stop-Service -Name $name -ErrorAction SilentlyContinue
    & sc.exe delete $name | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sc.exe delete failed ($LASTEXITCODE)." }
}
Remove-Item -LiteralPath (Join-Path $env:ProgramFiles 'Patchpeil\Agent') -Recurse -Force -ErrorAction SilentlyContinue
if ($RemoveState) {
    Remove-Item -LiteralPath (Join-Path $env:ProgramData 'Patchpeil\Agent') -Recurse -Force
}
if ([Diagnostics.EventLog]::SourceExists($name)) { Remove-EventLog -Source $name }
