; Inno Setup script for the Windows installer. Build the app first on Windows
; (`make installer`, or `pyinstaller build-installer.spec --noconfirm`), then run
; `iscc packaging\windows\kiosk.iss` from the repository root. The result is
; dist\kiosk-setup-VERSION.exe. Pass the version with /DAppVersion=0.1.0.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6E0C8D52-5A0B-4B0B-9A55-8F4C2B0F7A31}
AppName=kiosk
AppVersion={#AppVersion}
AppPublisher=kiosk
DefaultDirName={autopf}\kiosk
DefaultGroupName=kiosk
OutputDir=dist
OutputBaseFilename=kiosk-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
WizardStyle=modern

[Files]
Source: "dist\kiosk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\kiosk"; Filename: "{app}\kiosk.exe"
Name: "{autodesktop}\kiosk"; Filename: "{app}\kiosk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\kiosk-cli.exe"; Parameters: "--self-test"; Flags: runhidden; StatusMsg: "Checking the installation…"
