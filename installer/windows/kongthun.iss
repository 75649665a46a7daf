; Inno Setup script: wraps dist\kongthun\ (built by build.ps1) into KongthunSetup.exe.
; The ledger itself lives in the user's data folder, so reinstalling never touches it.
[Setup]
AppName=Kongthun
AppVersion=0.1.0
AppPublisher=Kongthun
DefaultDirName={autopf}\Kongthun
DefaultGroupName=Kongthun
OutputBaseFilename=KongthunSetup
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=lowest
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\..\dist\kongthun\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Kongthun"; Filename: "{app}\kongthun.exe"
Name: "{autodesktop}\Kongthun"; Filename: "{app}\kongthun.exe"

[Run]
Filename: "{app}\kongthun.exe"; Description: "Open Kongthun"; Flags: nowait postinstall skipifsilent
