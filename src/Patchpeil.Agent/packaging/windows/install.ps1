<#
.SYNOPSIS
  Installs the Patchpeil agent as a Windows service (run as administrator; Intune and GPO run scripts as SYSTEM).

.DESCRIPTION
  Copies patchpeil-agent.exe to Program Files, enrolls the device once with the enrollment secret, restricts the
  state folder to SYSTEM and Administrators, and registers the service "PatchpeilAgent" (delayed automatic start,
  LocalSystem, restart after a failure). The agent only reads the registry, the installed and pending updates; it
  never installs anything. Running the script again replaces the executable and keeps the enrollment.

.EXAMPLE
  $env:PATCHPEIL_ENROLLMENT_SECRET = 'ppe_…'   # not on the command line, so it does not show in the process list
  .\install.ps1 -Server https://patchpeil.example.nl -Executable .\patchpeil-agent.exe
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][uri]$Server,
    [string]$Executable = (Join-Path $PSScriptRoot 'patchpeil-agent.exe'),
    [ValidateRange(60, 604800)][int]$IntervalSeconds = 3600,
    [ValidateRange(0, 604800)][int]$JitterSeconds = 600
)

$ErrorActionPreference = 'Stop'
$name = 'PatchpeilAgent'
$folder = Join-Path $env:ProgramFiles 'Patchpeil\Agent'
$target = Join-Path $folder 'patchpeil-agent.exe'
$state = Join-Path $env:ProgramData 'Patchpeil\Agent'

if (-not ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw 'Run this script as administrator (or as SYSTEM from Intune/GPO).'
}
if (-not (Test-Path -LiteralPath $Executable -PathType Leaf)) { throw "Executable not found: $Executable" }
if ($JitterSeconds -gt $IntervalSeconds) { throw "JitterSeconds ($JitterSeconds) must not exceed IntervalSeconds ($IntervalSeconds)." }

$existing = Get-Service -Name $name -ErrorAction SilentlyContinue
if ($existing -and $existing.Status -ne 'Stopped') { Stop-Service -Name $name }

New-Item -ItemType Directory -Force -Path $folder | Out-Null
Copy-Item -LiteralPath $Executable -Destination $target -Force

# The state folder holds the device key: SYSTEM and Administrators only (ProgramData is readable by users).
New-Item -ItemType Directory -Force -Path $state | Out-Null
& icacls.exe $state /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls failed ($LASTEXITCODE) on $state" }

if (-not (Test-Path -LiteralPath (Join-Path $state 'agent.json'))) {
    if (-not $env:PATCHPEIL_ENROLLMENT_SECRET) { throw 'Set $env:PATCHPEIL_ENROLLMENT_SECRET to the enrollment secret (ppe_…) first.' }
    & $target enroll --server $Server.AbsoluteUri --config $state
    if ($LASTEXITCODE -ne 0) { throw "Enrollment failed ($LASTEXITCODE); see the message above." }
}

$binPath = "`"$target`" service --windows-service --interval $IntervalSeconds --jitter $JitterSeconds --config `"$state`""
if ($existing) {
    & sc.exe config $name binPath= $binPath start= delayed-auto obj= LocalSystem | Out-Null
} else {
    & sc.exe create $name binPath= $binPath start= delayed-auto obj= LocalSystem DisplayName= 'Patchpeil agent' | Out-Null
}
if ($LASTEXITCODE -ne 0) { throw "sc.exe could not register the service ($LASTEXITCODE)." }
& sc.exe description $name 'Reports installed software and pending updates to Patchpeil; never installs anything.' | Out-Null
& sc.exe failure $name reset= 86400 actions= restart/60000/restart/300000/none/0 | Out-Null
# Messages go to the Application event log under this source.
if (-not [Diagnostics.EventLog]::SourceExists($name)) { New-EventLog -LogName Application -Source $name }

Start-Service -Name $name
Get-Service -Name $name | Format-Table -AutoSize Name, Status, StartType
