; Inno Setup script: wraps dist\ComplaintDesk-<version>\ (built by installer/build.sh or the same
; pyinstaller command on Windows) into one setup.exe. Compile with: iscc /DVersion=0.1.0 complaintdesk.iss
; The default version below and the icon are those of installer/complaintdesk.spec (app/version.py,
; complaintdesk.ico); tests/test_installer.py keeps them in step.
#ifndef Version
  #define Version "0.1.0"
#endif

[Setup]
AppId={{5D1B3F5E-7A2C-4E0B-9C55-0C3B7E0D2A11}
AppName=医患投诉工作台
AppVersion={#Version}
AppPublisher=医患沟通办公室
DefaultDirName={autopf}\ComplaintDesk
DefaultGroupName=医患投诉工作台
VersionInfoVersion={#Version}
OutputBaseFilename=ComplaintDesk-{#Version}-setup
SetupIconFile=complaintdesk.ico
UninstallDisplayIcon={app}\ComplaintDesk.exe
Compression=lzma2
SolidCompression=yes
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\..\dist\ComplaintDesk-{#Version}\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\医患投诉工作台"; Filename: "{app}\ComplaintDesk.exe"
Name: "{autodesktop}\医患投诉工作台"; Filename: "{app}\ComplaintDesk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "创建桌面快捷方式"; Flags: unchecked

[Run]
Filename: "{app}\ComplaintDesk.exe"; Description: "启动医患投诉工作台"; Flags: nowait postinstall skipifsilent
